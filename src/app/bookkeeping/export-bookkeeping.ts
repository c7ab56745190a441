/**
 * The bookkeeping export of one month: every invoice and credit note issued in it, one voucher each,
 * as a SIE 4 import file (type 4i). The rules are the domain's (src/domain/bookkeeping); this use
 * case only reads the documents, stamps the file and hands the text to the encoder.
 *
 * A month is exported once, as a bookkeeping period is closed once:
 * - only after it has ended in the bookkeeping's time zone (the seller's): a file of a month still
 *   running would miss the documents issued later in it, and importing the final file as well would
 *   book the early vouchers twice;
 * - the first export records the month with its file; from then on numbering refuses a document
 *   dated in it (src/persistence/bookkeeping-months.ts), and exporting it again hands out the
 *   recorded file byte for byte, #GEN included (the date of the first export): the copy of what
 *   was imported, whatever the account settings say today. A document the month still lacks is
 *   issued with a date in an open month, as bookkeeping would book it.
 */
import { DateTime } from 'luxon';
import { bookDocuments } from '../../domain/bookkeeping/book-documents';
import { writeSie4i } from '../../domain/bookkeeping/sie-writer';
import { FailedPreconditionError, ValidationError } from '../../domain/errors';
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
  const now = deps.now();
  const today = todayIn(settings.timeZone, now);
  const firstDay = firstDayAfter(input.period);
  if (today < firstDay)
    throw new FailedPreconditionError(
      `${input.period} has not ended (today is ${today} in ${settings.timeZone}): it can be exported from ${firstDay} on; ` +
        'a file of a month still running would miss its later documents, and importing the final file too would book its vouchers twice',
    );
  const file = await deps.documents.exportMonth(input.period, now, (documents) => {
    const booked = bookDocuments(documents, settings.accounts, settings.voucherSeries);
    const text = writeSie4i({
      program: settings.program,
      generatedOn: today,
      company: settings.company,
      accounts: booked.accounts,
      vouchers: booked.vouchers,
    });
    return { content: deps.encode(text), voucherCount: booked.vouchers.length };
  });
  return {
    content: file.content,
    contentType: SIE_CONTENT_TYPE,
    // .si: the extension SIE gives import files (type 4i).
    fileName: `bookkeeping-${input.period}.si`,
    voucherCount: file.voucherCount,
  };
}

/** The first day of the month after `month` ("YYYY-MM"), YYYY-MM-DD. */
function firstDayAfter(month: string): string {
  return DateTime.fromISO(`${month}-01`, { zone: 'UTC' }).plus({ months: 1 }).toISODate()!;
}
