/** Issued invoices and credit notes built by hand (totals by the domain's rules), for bookkeeping tests. */
import { computeTotals, computeVatBreakdown } from '../../src/domain/invoicing/totals';
import type { InvoiceLine, IssuedInvoiceDocument, VatCategory } from '../../src/domain/invoicing/types';
import { buyer, seller } from '../invoicing/fixtures';

export function line(
  lineNo: number,
  netAmount: string,
  vatRate: string,
  vatCategory: VatCategory,
): InvoiceLine {
  return {
    lineNo,
    kind: 'usage',
    description: `line ${lineNo}`,
    quantity: '1',
    unitCode: 'C62',
    unitPrice: netAmount,
    netAmount,
    vatRate,
    vatCategory,
  };
}

export function issuedDocument(
  number: string,
  lines: InvoiceLine[],
  extra: Partial<IssuedInvoiceDocument> = {},
): IssuedInvoiceDocument {
  const vatBreakdown = computeVatBreakdown(lines);
  return {
    documentType: 'invoice',
    status: 'issued',
    number,
    currency: 'SEK',
    seller,
    buyer,
    period: {
      key: '2026-10',
      start: '2026-09-30T22:00:00.000Z',
      end: '2026-10-31T23:00:00.000Z',
      startDate: '2026-10-01',
      lastDate: '2026-10-31',
      timeZone: 'Europe/Stockholm',
    },
    issueDate: '2026-11-02',
    dueDate: '2026-12-02',
    paymentTermsDays: 30,
    lines,
    vatBreakdown,
    totals: computeTotals(lines, vatBreakdown),
    ...extra,
  };
}
