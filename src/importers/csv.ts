/**
 * A small RFC 4180 CSV reader (no installed package parses CSV): fields separated by `,`, records by
 * LF or CRLF, fields optionally wrapped in `"` with `""` for a quote; a quoted field may contain
 * commas and line breaks. Tolerant where Asterisk needs it: bare (unquoted) fields such as integers
 * and empty dates are fine. Strict where data would be lost: text after a closing quote, or a quote
 * never closed, makes that record an error (reported with its line), and reading resumes on the
 * next line so one broken row cannot swallow the rest of the file.
 */
export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
  /** The record's text exactly as in the file (without the line terminator). */
  raw: string;
}

export interface CsvError {
  line: number;
  error: string;
  raw: string;
}

export function parseCsv(text: string): Array<CsvRecord | CsvError> {
  const out: Array<CsvRecord | CsvError> = [];
  let i = 0;
  let line = 1;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // BOM
  const n = text.length;

  while (i < n) {
    const startIndex = i;
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let error: string | undefined;
    let done = false;
    while (!done) {
      if (i >= n) {
        fields.push(field);
        break;
      }
      const c = text[i]!;
      if (c === '"' && field === '' && (i === startIndex || text[i - 1] === ',')) {
        // quoted field
        i++;
        let closed = false;
        while (i < n) {
          const q = text[i]!;
          if (q === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i++;
              closed = true;
              break;
            }
          } else {
            if (q === '\n') line++;
            field += q;
            i++;
          }
        }
        if (!closed) {
          error = 'quoted field never closed';
          break;
        }
        const next = text[i];
        if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
          error = `unexpected ${JSON.stringify(next)} after a closing quote`;
          break;
        }
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        i++;
      } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
        fields.push(field);
        const rawEnd = i;
        i += c === '\r' ? 2 : 1;
        line++;
        out.push({ line: startLine, fields, raw: text.slice(startIndex, rawEnd) });
        done = true;
      } else {
        field += c;
        i++;
      }
    }
    if (error !== undefined) {
      // Resume on the line after the one the broken record started on.
      const nl = text.indexOf('\n', startIndex);
      const end = nl === -1 ? n : nl;
      out.push({ line: startLine, error, raw: text.slice(startIndex, end).replace(/\r$/, '') });
      i = nl === -1 ? n : nl + 1;
      line = startLine + 1;
      continue;
    }
    if (!done) {
      // last record without a trailing newline
      out.push({ line: startLine, fields, raw: text.slice(startIndex, n) });
    }
  }
  return out;
}

export function isCsvError(r: CsvRecord | CsvError): r is CsvError {
  return (r as CsvError).error !== undefined;
}
