/**
 * CSV output per RFC 4180, shared by the command line (src/cli) and the use cases that answer a file
 * over gRPC (the mailing list): CRLF line ends; fields with comma, quote, CR or LF quoted, quotes doubled.
 */
export function csvField(value: string | number | undefined | null): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(fields: (string | number | undefined | null)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}
