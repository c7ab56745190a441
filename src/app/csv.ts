/**
 * CSV output per RFC 4180, shared by the command line (src/cli) and the use cases that answer a file
 * over gRPC (the mailing list): CRLF line ends; fields with comma, quote, CR or LF quoted, quotes doubled.
 *
 * Text that a spreadsheet would run as a formula (a cell starting with `=`, `+`, `-`, `@`, a tab or
 * a CR: a customer named `=HYPERLINK(...)` by the sales system) is written with a leading `'`, which
 * spreadsheets take as "text" (OWASP's CSV injection advice). Numbers, given as numbers or as plain
 * decimal text ("-12.50", "+46812345678"), are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function csvField(value: string | number | undefined | null): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: (string | number | undefined | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
