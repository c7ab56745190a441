/**
 * Every kind of document the service issues, as Peppol BIS Billing 3.0, validated offline in ONE
 * batch against the UBL 2.1 XSD, the EN 16931 rules and the Peppol rules (with Sweden's SE-R rules):
 * zero fatal errors. Plus a mutation that must fail with the rule it breaks, which proves the
 * validator really looks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../src/documents/invoice-pdf';
import { renderUbl } from '../../src/documents/ubl/render-ubl';
import type { IssuedInvoiceDocument } from '../../src/domain/invoicing/index';
import {
  einvoiceEnvironment,
  errorsOf,
  validateEinvoices,
  type EinvoiceReport,
} from '../support/einvoice-validator';
import { ublDocuments } from './ubl-fixtures';

const env = einvoiceEnvironment();
if (env.status === 'absent') console.warn(env.message);

// A small stand-in for the PDF where the real one is not the point: the validators check the
// attachment's attributes, not its bytes.
const stubPdf = { pdf: Buffer.from('%PDF-1.3\n%%EOF\n'), fileName: 'invoice.pdf' };

describe.skipIf(env.status === 'absent')('Peppol BIS 3.0 validation of the UBL output', () => {
  const docs: Record<string, IssuedInvoiceDocument> = ublDocuments();
  const xml: Record<string, string> = {};
  let reports: Record<string, EinvoiceReport> = {};

  beforeAll(async () => {
    if (env.status === 'broken') throw new Error(env.message);
    for (const [name, doc] of Object.entries(docs)) xml[name] = renderUbl(doc, stubPdf);
    // The real thing once: the domestic invoice with its own PDF embedded, as the service sends it.
    const pdf = await renderInvoicePdf(docs.domestic!);
    xml.domestic = renderUbl(docs.domestic!, { pdf, fileName: `invoice-${docs.domestic!.number}.pdf` });
    expect(xml.domestic).toContain(pdf.toString('base64'));
    // BR-CO-15: VAT inclusive amount = VAT exclusive amount + VAT total.
    xml.mutatedTotal = xml.domestic.replace(
      /<cbc:TaxInclusiveAmount currencyID="SEK">[^<]*</,
      '<cbc:TaxInclusiveAmount currencyID="SEK">9999.00<',
    );
    // An element the schema does not know, before IssueDate: the XSD must refuse it.
    xml.mutatedSchema = xml.credit!.replace('<cbc:IssueDate>', '<cbc:Unknown>x</cbc:Unknown><cbc:IssueDate>');
    reports = await validateEinvoices(xml);
  }, 120_000);

  it.each(Object.keys(docs))('%s passes the XSD, the CEN and the Peppol rules', (name) => {
    expect(errorsOf(reports[name]!)).toEqual([]);
    expect(reports[name]!.warnings).toEqual([]);
  });

  it('a changed total fails with BR-CO-15', () => {
    expect(xml.mutatedTotal).not.toBe(xml.domestic);
    expect(reports.mutatedTotal!.fatal.map((f) => f.id)).toContain('BR-CO-15');
    expect(reports.mutatedTotal!.schemaErrors).toEqual([]);
  });

  it('an unknown element fails the XSD, for that document only', () => {
    expect(xml.mutatedSchema).not.toBe(xml.credit);
    expect(reports.mutatedSchema!.schemaErrors.join('\n')).toMatch(/Unknown/);
    expect(reports.credit!.schemaErrors).toEqual([]);
  });
});
