import { issueDraft } from '../../domain/invoicing/draft';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { getInvoice, type GetInvoiceDeps } from './get-invoice';
import type { RenderInvoicePdf } from './invoice-renderer-ports';

export interface RenderInvoiceDocumentDeps extends GetInvoiceDeps {
  renderPdf: RenderInvoicePdf;
}

export interface RenderedDocument {
  content: Buffer;
  fileName: string;
  contentType: string;
}

/** The PDF of an invoice or credit note; a draft renders as a preview numbered "DRAFT". */
export async function renderInvoiceDocument(
  deps: RenderInvoiceDocumentDeps,
  input: { invoiceId: string },
): Promise<RenderedDocument> {
  const invoice = await getInvoice(deps, { id: input.invoiceId });
  const doc: IssuedInvoiceDocument =
    invoice.document.status === 'issued' ? invoice.document : issueDraft(invoice.document, 'DRAFT');
  const content = await deps.renderPdf(doc);
  const kind = invoice.kind === 'INVOICE' ? 'invoice' : 'credit-note';
  return {
    content,
    fileName: `${kind}-${invoice.number ?? `draft-${invoice.id}`}.pdf`,
    contentType: 'application/pdf',
  };
}
