/**
 * How an invoice document becomes a PDF: a port, so that the use cases stay free of the renderer
 * (src/documents/invoice-pdf.ts implements it; the composition root wires it in).
 */
import type { CallSpecification } from '../../domain/invoicing/call-specification';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';

export type RenderInvoicePdf = (
  document: IssuedInvoiceDocument,
  options?: { callSpecification?: CallSpecification },
) => Promise<Buffer>;
