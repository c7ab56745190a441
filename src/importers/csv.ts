/**
 * A small RFC 4180 CSV reader (no installed package parses CSV): fields separated by `,`, records by
 * LF or CRLF, fields optionally wrapped in `"` with `""` for a quote; a quoted field may contain
 * commas and line breaks. Tolerant where Asterisk needs it: bare (unquoted) fields such as integers
 * and empty dates are fine. Strict where data would be lost: text after a closing quote, or a quote
 * never closed, makes that record an error (reported with its line), and reading resumes on the
 * next line so one broken row cannot swallow the rest of the file.
 *
 * Records are produced one at a time (`readCsv`) and fields are slices of the text, never grown a
 * character at a time: a Master.csv of a million rows is read without holding every record (or a
 * rope of one-character strings per field) in memory at once.
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

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** The records of `text` in file order, one at a time. */
export function* readCsv(text: string): Generator<CsvRecord | CsvError> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // BOM
  let line = 1;
  const n = text.length;
  /** A record ends at LF or CR LF (a lone CR is data). */
  const endsRecord = (k: number) =>
    text.charCodeAt(k) === LF || (text.charCodeAt(k) === CR && text.charCodeAt(k + 1) === LF);

  while (i < n) {
    const startIndex = i;
    const startLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    let done = false;
    for (;;) {
      // i is at the start of a field.
      if (i >= n) {
        fields.push('');
        break;
      }
      let field: string;
      if (text.charCodeAt(i) === QUOTE) {
        // Quoted: segments between doubled quotes, sliced.
        let value = '';
        let from = i + 1;
        let closed = false;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q === -1) break;
          for (let k = text.indexOf('\n', from); k !== -1 && k < q; k = text.indexOf('\n', k + 1)) line++;
          value += text.slice(from, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            from = q + 2;
          } else {
            i = q + 1;
            closed = true;
            break;
          }
        }
        if (!closed) {
          error = 'quoted field never closed';
          break;
        }
        if (i < n && text.charCodeAt(i) !== COMMA && !endsRecord(i)) {
          error = `unexpected ${JSON.stringify(text[i])} after a closing quote`;
          break;
        }
        field = value;
      } else {
        let k = i;
        while (k < n && text.charCodeAt(k) !== COMMA && !endsRecord(k)) k++;
        field = text.slice(i, k);
        i = k;
      }
      fields.push(field);
      if (i >= n) break; // last record without a trailing newline
      if (text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      // LF or CR LF
      const rawEnd = i;
      i += text.charCodeAt(i) === CR ? 2 : 1;
      line++;
      yield { line: startLine, fields, raw: text.slice(startIndex, rawEnd) };
      done = true;
      break;
    }
    if (error !== undefined) {
      // Resume on the line after the one the broken record started on.
      const nl = text.indexOf('\n', startIndex);
      const end = nl === -1 ? n : nl;
      yield { line: startLine, error, raw: text.slice(startIndex, end).replace(/\r$/, '') };
      i = nl === -1 ? n : nl + 1;
      line = startLine + 1;
      continue;
    }
    if (!done) yield { line: startLine, fields, raw: text.slice(startIndex, n) };
  }
}

/** Every record of `text` at once (small texts: a first line, tests). */
export function parseCsv(text: string): Array<CsvRecord | CsvError> {
  return [...readCsv(text)];
}

export function isCsvError(r: CsvRecord | CsvError): r is CsvError {
  return (r as CsvError).error !== undefined;
}
