/**
 * How an invoice document becomes a PDF or a Peppol e-invoice: ports, so that the use cases stay
 * free of the renderers (src/documents/invoice-pdf.ts and src/documents/ubl/render-ubl.ts implement
 * them; the composition root wires them in).
 */
import type { CallSpecification } from '../../domain/invoicing/call-specification';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';

export type RenderInvoicePdf = (
  document: IssuedInvoiceDocument,
  options?: { callSpecification?: CallSpecification },
) => Promise<Buffer>;
/**
 * Peppol BIS Billing 3.0 (UBL 2.1) XML, with the document's PDF embedded. Throws
 * FailedPreconditionError when a party lacks what Peppol requires (the buyer's electronic address).
 */
export type RenderInvoiceUbl = (
  document: IssuedInvoiceDocument,
  attachment: { pdf: Uint8Array; fileName: string },
) => string;
