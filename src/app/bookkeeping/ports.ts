/**
 * What the bookkeeping export needs from outside: the issued documents of a month (storage:
 * src/persistence/issued-documents-by-month.ts) and the file's encoding (src/documents/sie-encoding.ts).
 */
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';

export interface IssuedDocumentsByMonth {
  /**
   * Every issued invoice and credit note whose issue date (the seller's local date, as printed)
   * lies in `month` ("YYYY-MM"), drafts never.
   */
  issuedInMonth(month: string): Promise<IssuedInvoiceDocument[]>;
}

/** Unicode SIE text to the bytes of the file (code page 437 for #FORMAT PC8). */
export type EncodeSieText = (text: string) => Buffer;
