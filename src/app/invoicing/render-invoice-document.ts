import { FailedPreconditionError } from '../../domain/errors';
import { maskNumber, type CallSpecification } from '../../domain/invoicing/call-specification';
import type { InvoiceStore, StoredInvoice } from './ports';
import { issueDraft } from '../../domain/invoicing/draft';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { getInvoice, type GetInvoiceDeps } from './get-invoice';
import type { RenderInvoicePdf, RenderInvoiceUbl } from './invoice-renderer-ports';

export interface RenderInvoiceDocumentDeps extends GetInvoiceDeps {
  store: GetInvoiceDeps['store'] & Pick<InvoiceStore, 'invoiceCalls'>;
  renderPdf: RenderInvoicePdf;
  renderUbl: RenderInvoiceUbl;
}

export type DocumentFormat = 'pdf' | 'ubl';

/** The most calls a call specification lists (about 1,000 pages); the appendix says when it stops. */
export const CALL_SPECIFICATION_LIMIT = 50_000;

/**
 * The call specification of a document built with one (an invoice whose customer asked for one
 * then; never a credit note). Read from the document, never from the customer's current setting:
 * an issued document is immutable, so its PDF must not change when sales changes the customer.
 */
async function callSpecificationOf(
  deps: RenderInvoiceDocumentDeps,
  invoice: StoredInvoice,
): Promise<{ callSpecification?: CallSpecification }> {
  if (!invoice.document.callSpecification) return {};
  const spec = await deps.store.invoiceCalls(invoice.id, CALL_SPECIFICATION_LIMIT);
  return {
    callSpecification: { ...spec, rows: spec.rows.map((r) => ({ ...r, number: maskNumber(r.number) })) },
  };
}

export interface RenderedDocument {
  content: Buffer;
  fileName: string;
  contentType: string;
}

/**
 * The PDF of an invoice or credit note (a draft renders as a preview numbered "DRAFT"), or its
 * Peppol e-invoice with that PDF embedded. An e-invoice is a legal document sent to the buyer's
 * system: only issued documents have one.
 */
export async function renderInvoiceDocument(
  deps: RenderInvoiceDocumentDeps,
  input: { invoiceId: string; format?: DocumentFormat },
): Promise<RenderedDocument> {
  const invoice = await getInvoice(deps, { id: input.invoiceId });
  const format = input.format ?? 'pdf';
  if (format === 'ubl' && invoice.document.status !== 'issued') {
    throw new FailedPreconditionError(
      `invoice ${invoice.id} is a draft: only issued invoices and credit notes have an e-invoice`,
    );
  }
  const doc: IssuedInvoiceDocument =
    invoice.document.status === 'issued' ? invoice.document : issueDraft(invoice.document, 'DRAFT');
  const pdf = await deps.renderPdf(doc, await callSpecificationOf(deps, invoice));
  const kind = invoice.kind === 'INVOICE' ? 'invoice' : 'credit-note';
  const baseName = `${kind}-${invoice.number ?? `draft-${invoice.id}`}`;
  if (format === 'pdf') return { content: pdf, fileName: `${baseName}.pdf`, contentType: 'application/pdf' };
  const xml = deps.renderUbl(doc, { pdf, fileName: `${baseName}.pdf` });
  return { content: Buffer.from(xml, 'utf8'), fileName: `${baseName}.xml`, contentType: 'application/xml' };
}
