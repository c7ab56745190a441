/**
 * What the bookkeeping export needs from outside: the months and their issued documents (storage:
 * src/persistence/issued-documents-by-month.ts) and the file's encoding (src/documents/sie-encoding.ts).
 */
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';

/** A month's bookkeeping file, as handed out and as recorded. */
export interface MonthFile {
  content: Buffer;
  /** How many vouchers (documents) the file holds. */
  voucherCount: number;
}

export interface IssuedDocumentsByMonth {
  /**
   * The file of `month` ("YYYY-MM"). The first time: `build` over every issued invoice and credit
   * note whose issue date (the seller's local date, as printed) lies in the month, drafts never,
   * recorded with `exportedAt` in the same transaction, under a lock that no numbering of a document
   * dated in the month holds; from then on numbering refuses such a document. Every later time: the
   * recorded file, unchanged, without calling `build`. When `build` throws, nothing is recorded.
   */
  exportMonth(
    month: string,
    exportedAt: Date,
    build: (documents: IssuedInvoiceDocument[]) => MonthFile,
  ): Promise<MonthFile>;
}

/** Unicode SIE text to the bytes of the file (code page 437 for #FORMAT PC8). */
export type EncodeSieText = (text: string) => Buffer;
