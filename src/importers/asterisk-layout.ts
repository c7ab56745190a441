/**
 * Which optional columns an Asterisk Master.csv has (FORMATS.md §1.1: 16 + uniqueid + userfield +
 * 3 newcdrcolumns). Decided ONCE per file, because cdr.conf applies to every row the file holds:
 * guessing per row read a 19-column row of an 18-column file as newcdrcolumns and stored its
 * userfield as the conference id. Rows that do not fit the file's layout are rejected, never re-read.
 */
import { CdrFileError } from './cdr-file-error';

export interface AsteriskLayout {
  uniqueid: boolean;
  userfield: boolean;
  newcols: boolean;
}

/** The `cdr.conf [csv]` settings that add columns, as importer options. */
export interface AsteriskLayoutOptions {
  logUniqueId?: boolean;
  logUserField?: boolean;
  newCdrColumns?: boolean;
}

export const BASE_COLUMNS = [
  'accountcode',
  'src',
  'dst',
  'dcontext',
  'clid',
  'channel',
  'dstchannel',
  'lastapp',
  'lastdata',
  'start',
  'answer',
  'end',
  'duration',
  'billsec',
  'disposition',
  'amaflags',
] as const;
const NEW_COLUMNS = ['peeraccount', 'linkedid', 'sequence'] as const;

export function columnCount(l: AsteriskLayout): number {
  return 16 + (l.uniqueid ? 1 : 0) + (l.userfield ? 1 : 0) + (l.newcols ? 3 : 0);
}

export function describeLayout(l: AsteriskLayout): string {
  const extra = [l.uniqueid && 'uniqueid', l.userfield && 'userfield', l.newcols && 'newcdrcolumns'].filter(
    Boolean,
  );
  return `${columnCount(l)} columns (${extra.length ? `base + ${extra.join(' + ')}` : 'base only'})`;
}

/** A header line (not written by cdr_csv itself, but by exports and hand-made files). */
export function isHeaderLine(fields: string[]): boolean {
  return fields[0]?.trim().toLowerCase() === 'accountcode' && fields[1]?.trim().toLowerCase() === 'src';
}

/** The layout the options say, or undefined when none of the three is set (then the file decides). */
export function layoutFromOptions(opts: AsteriskLayoutOptions): AsteriskLayout | undefined {
  if (opts.logUniqueId === undefined && opts.logUserField === undefined && opts.newCdrColumns === undefined)
    return undefined;
  return { uniqueid: !!opts.logUniqueId, userfield: !!opts.logUserField, newcols: !!opts.newCdrColumns };
}

/** The layout a header line names. Throws CdrFileError when its names are not Master.csv's, in order. */
export function layoutFromHeader(fields: string[], line: number): AsteriskLayout {
  const names = fields.map((f) => f.trim().toLowerCase());
  const fail = () =>
    new CdrFileError(
      `header on line ${line} does not name Master.csv columns in cdr_csv order: ${names.join(',')}`,
    );
  if (!BASE_COLUMNS.every((c, i) => names[i] === c)) throw fail();
  let k = BASE_COLUMNS.length;
  const uniqueid = names[k] === 'uniqueid';
  if (uniqueid) k++;
  const userfield = names[k] === 'userfield';
  if (userfield) k++;
  const newcols = NEW_COLUMNS.every((c, i) => names[k + i] === c);
  if (newcols) k += NEW_COLUMNS.length;
  if (k !== names.length) throw fail();
  return { uniqueid, userfield, newcols };
}

/**
 * The layout of a file whose first data row (on `line`) has `count` columns. 17 and 20 columns
 * are ambiguous (uniqueid or userfield?) and any other count is not Master.csv: both throw
 * CdrFileError asking for the cdr.conf settings rather than guessing.
 */
export function layoutFromFirstRow(count: number, line: number): AsteriskLayout {
  switch (count) {
    case 16:
      return { uniqueid: false, userfield: false, newcols: false };
    case 18:
      return { uniqueid: true, userfield: true, newcols: false };
    case 19:
      return { uniqueid: false, userfield: false, newcols: true };
    case 21:
      return { uniqueid: true, userfield: true, newcols: true };
    case 17:
    case 20:
      throw new CdrFileError(
        `line ${line} has ${count} columns, which is ambiguous (uniqueid or userfield?): ` +
          'pass --log-unique-id or --log-user-field (and --new-cdr-columns) as set in cdr.conf [csv]',
      );
    default:
      throw new CdrFileError(
        `line ${line}, the first row, has ${count} columns; Master.csv rows have 16 to 21, ` +
          'so the layout cannot be told (pass --log-unique-id, --log-user-field and --new-cdr-columns as set in cdr.conf)',
      );
  }
}

/** Options and header must agree: a file that contradicts what the operator said is refused. */
export function checkAgainstOptions(
  fromFile: AsteriskLayout,
  fromOptions: AsteriskLayout | undefined,
  line: number,
): void {
  if (!fromOptions) return;
  const same = (['uniqueid', 'userfield', 'newcols'] as const).every((k) => fromOptions[k] === fromFile[k]);
  if (same) return;
  throw new CdrFileError(
    `header on line ${line} names ${describeLayout(fromFile)} but the options say ${describeLayout(fromOptions)}`,
  );
}
