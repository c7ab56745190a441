/**
 * The correction documents a rerate issues for an issued invoice (which never changes itself): a
 * credit note for the lines that went down and a supplementary invoice for those that went up, both
 * referring to the invoice, issued at once.
 */
import { buildCreditNote } from '../../domain/invoicing/credit-note';
import { buildInvoiceDraft, invoiceLineKey, type RerateDelta } from '../../domain/invoicing/draft';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import type { BillingPeriod } from '../../domain/periods/index';
import type { InvoicingSettings } from './invoicing-settings';
import type { IssueOptions, StoredInvoice } from './ports';
import type { RerateTx } from './rerate-ports';

export interface CorrectionInput {
  invoice: StoredInvoice;
  period: BillingPeriod;
  delta: RerateDelta;
  reason: string;
  /** The seller's today and the issue guard (./issue-guard.ts). */
  issue: Omit<IssueOptions, 'series'>;
}

/** Issues the difference for an issued invoice; the ids of the documents issued. */
export async function issueCorrections(
  settings: Pick<InvoicingSettings, 'vatRate' | 'invoiceSeries' | 'creditNoteSeries'>,
  tx: RerateTx,
  input: CorrectionInput,
): Promise<string[]> {
  const { invoice, period, delta, reason, issue } = input;
  const { issueDate } = issue;
  const original = invoice.document as IssuedInvoiceDocument;
  const ids: string[] = [];
  if (delta.toCredit.length) {
    // Bounded by what was billed for the invoice so far, supplementary invoices included.
    const draft = buildCreditNote(original, {
      reason,
      lines: delta.toCredit,
      issueDate,
      billedNet: await tx.billedNet(invoice.id),
    });
    const creditedLineNos = delta.toCredit.map(
      (l) => original.lines.find((o) => invoiceLineKey(o) === l.adjustsKey)?.lineNo,
    );
    const id = await tx.insertCorrection({
      kind: 'CREDIT_NOTE',
      invoice,
      draft,
      series: settings.creditNoteSeries,
      reason,
      creditedLineNos,
    });
    await tx.issue([id], { ...issue, series: settings.creditNoteSeries });
    ids.push(id);
  }
  if (delta.toInvoice.length) {
    const draft = buildInvoiceDraft({
      seller: original.seller,
      buyer: original.buyer,
      currency: original.currency,
      period,
      issueDate,
      paymentTermsDays: original.paymentTermsDays,
      charges: [],
      defaultVatRate: settings.vatRate,
      extraLines: delta.toInvoice,
      notes: [`Supplementary invoice to ${invoice.number}: ${reason}`],
      precedingInvoiceNumber: invoice.number!,
      precedingInvoiceDate: original.issueDate,
      // A supplementary invoice carries a call specification when the invoice it supplements does.
      ...(original.callSpecification ? { callSpecification: true } : {}),
    });
    const id = await tx.insertCorrection({ kind: 'INVOICE', invoice, draft, series: settings.invoiceSeries });
    await tx.issue([id], { ...issue, series: settings.invoiceSeries });
    ids.push(id);
  }
  return ids;
}
