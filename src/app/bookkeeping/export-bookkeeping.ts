/**
 * The bookkeeping export of one month: every invoice and credit note issued in it, one voucher each,
 * as a SIE 4 import file (type 4i). The rules are the domain's (src/domain/bookkeeping); this use
 * case only reads the documents, stamps the file and hands the text to the encoder.
 */
import { bookDocuments } from '../../domain/bookkeeping/book-documents';
import { writeSie4i } from '../../domain/bookkeeping/sie-writer';
import { ValidationError } from '../../domain/errors';
import { todayIn } from '../invoicing/today';
import type { BookkeepingSettings } from './bookkeeping-settings';
import type { EncodeSieText, IssuedDocumentsByMonth } from './ports';

export interface ExportBookkeepingDeps {
  documents: IssuedDocumentsByMonth;
  encode: EncodeSieText;
  settings: BookkeepingSettings;
  now: () => Date;
}

export interface ExportBookkeepingInput {
  /** "YYYY-MM". */
  period: string;
}

export interface BookkeepingFile {
  content: Buffer;
  contentType: string;
  fileName: string;
  /** How many vouchers (documents) the file holds. */
  voucherCount: number;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** SIE has no registered MIME type: it is text in code page 437. */
export const SIE_CONTENT_TYPE = 'text/plain; charset=IBM437';

export async function exportBookkeeping(
  deps: ExportBookkeepingDeps,
  input: ExportBookkeepingInput,
): Promise<BookkeepingFile> {
  if (!MONTH.test(input.period)) {
    throw new ValidationError([
      { field: 'period', reason: `must be a month as YYYY-MM, got ${JSON.stringify(input.period)}` },
    ]);
  }
  const { settings } = deps;
  const documents = await deps.documents.issuedInMonth(input.period);
  const booked = bookDocuments(documents, settings.accounts, settings.voucherSeries);
  const text = writeSie4i({
    program: settings.program,
    generatedOn: todayIn(settings.timeZone, deps.now()),
    company: settings.company,
    accounts: booked.accounts,
    vouchers: booked.vouchers,
  });
  return {
    content: deps.encode(text),
    contentType: SIE_CONTENT_TYPE,
    // .si: the extension SIE gives import files (type 4i).
    fileName: `bookkeeping-${input.period}.si`,
    voucherCount: booked.vouchers.length,
  };
}
