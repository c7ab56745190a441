/**
 * The mailing list of a month: the customers to send that month's invoices to by post or e-mail, as
 * entries and as the RFC 4180 CSV file. One use case for the command line (`billing mailing-list`)
 * and InvoiceService.GetMailingList, so both answer the same list and the same bytes.
 */
import { ValidationError } from '../../domain/errors';
import { csvLine } from '../csv';
import type { MailingListEntry, MailingListSource } from './mailing-list-ports';

export interface MailingListDeps {
  customers: MailingListSource;
}

export interface MailingListInput {
  /** "YYYY-MM". */
  period: string;
}

export interface MailingList {
  entries: MailingListEntry[];
  /** The CSV file: UTF-8, a header line, CRLF line ends. */
  content: Uint8Array;
  contentType: string;
  fileName: string;
}

export interface MailingListUseCases {
  getMailingList(input: MailingListInput): Promise<MailingList>;
}

export const MAILING_LIST_CSV_HEADER = [
  'external_id',
  'name',
  'email',
  'address',
  'postal_code',
  'city',
  'country_code',
];

export const MAILING_LIST_CONTENT_TYPE = 'text/csv; charset=utf-8';

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The CSV text of a mailing list (address lines joined by a line feed inside one field). */
export function mailingListCsv(entries: readonly MailingListEntry[]): string {
  let text = csvLine(MAILING_LIST_CSV_HEADER);
  for (const e of entries)
    text += csvLine([
      e.externalId,
      e.name,
      e.email,
      e.addressLines.join('\n'),
      e.postalCode,
      e.city,
      e.countryCode,
    ]);
  return text;
}

export async function getMailingList(deps: MailingListDeps, input: MailingListInput): Promise<MailingList> {
  const m = MONTH.exec(input.period);
  if (!m) {
    throw new ValidationError([
      { field: 'period', reason: `must be a month as YYYY-MM, got ${JSON.stringify(input.period)}` },
    ]);
  }
  const year = Number(m[1]);
  const month = Number(m[2]);
  const pad = (n: number) => String(n).padStart(2, '0');
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01`;
  const entries = await deps.customers(`${year}-${pad(month)}-01`, next);
  return {
    entries,
    content: new TextEncoder().encode(mailingListCsv(entries)),
    contentType: MAILING_LIST_CONTENT_TYPE,
    fileName: `mailing-list-${input.period}.csv`,
  };
}
