/**
 * The PDF of the same document, embedded (BG-24, AdditionalDocumentReference with an attachment):
 * the readable version travels with the structured one, so the buyer sees exactly what the PDF
 * shows without a second channel.
 */
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { el, leaf, type XmlElement } from './xml';

export interface UblAttachment {
  pdf: Uint8Array;
  fileName: string;
}

export function attachmentElement(
  doc: IssuedInvoiceDocument,
  attachment: UblAttachment | undefined,
): XmlElement | undefined {
  if (!attachment || attachment.pdf.length === 0) return undefined;
  return el(
    'cac:AdditionalDocumentReference',
    {},
    leaf('cbc:ID', doc.number),
    leaf(
      'cbc:DocumentDescription',
      doc.documentType === 'credit_note' ? 'Credit note (PDF)' : 'Invoice (PDF)',
    ),
    el(
      'cac:Attachment',
      {},
      leaf('cbc:EmbeddedDocumentBinaryObject', Buffer.from(attachment.pdf).toString('base64'), {
        mimeCode: 'application/pdf',
        filename: attachment.fileName,
      }),
    ),
  );
}
