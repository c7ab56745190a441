/**
 * The rows of a Master.csv text: blank lines, header lines and CEL rows set aside, the file's
 * column layout decided once (from the options, else a header, else the first row; see
 * asterisk-layout.ts), and every data row that fits it read into an AsteriskRow.
 */
import type { AmbiguousTimePolicy, ImportResult } from './common';
import { isCsvError, readCsv } from './csv';
import {
  checkAgainstOptions,
  columnCount,
  isHeaderLine,
  layoutFromFirstRow,
  layoutFromHeader,
  layoutFromOptions,
  type AsteriskLayout,
  type AsteriskLayoutOptions,
} from './asterisk-layout';
import { isCelEventRow, readRow, type AsteriskRow } from './asterisk-row';
import { ZoneCheck } from './asterisk-zone-check';

export interface ReadRowsOptions extends AsteriskLayoutOptions {
  /** The zone the file's times were written in. */
  zone: string;
  ambiguous: AmbiguousTimePolicy;
}

/**
 * The readable rows of `text`, in file order; rows set aside go to `result.skipped` or
 * `result.rejected` with their reason, and a doubtful time zone to `result.warnings`.
 */
export function readAsteriskRows(text: string, opts: ReadRowsOptions, result: ImportResult): AsteriskRow[] {
  const rows: AsteriskRow[] = [];
  const zoneCheck = new ZoneCheck();
  // The file's layout: from the options, else a header, else the first row; never changed afterwards.
  const configured = layoutFromOptions(opts);
  let layout: AsteriskLayout | undefined = configured;
  let layoutSource = 'the cdr.conf options given';
  let first = true; // no header or data row seen yet

  for (const rec of readCsv(text)) {
    if (isCsvError(rec)) {
      result.rejected.push({ line: rec.line, reason: `malformed CSV: ${rec.error}` });
      continue;
    }
    const f = rec.fields;
    if (f.length === 1 && f[0] === '') continue; // blank line
    if (isHeaderLine(f)) {
      if (first) {
        const named = layoutFromHeader(f, rec.line);
        checkAgainstOptions(named, configured, rec.line);
        if (!layout) {
          layout = named;
          layoutSource = `the header on line ${rec.line}`;
        }
      } else if (f.length !== columnCount(layout!)) {
        // A later header (files concatenated) naming other columns: the rows after it would not fit either.
        result.rejected.push({
          line: rec.line,
          reason: `header line with ${f.length} columns; this file's rows have ${columnCount(layout!)} (from ${layoutSource})`,
        });
        continue;
      }
      first = false;
      result.skipped.push({ line: rec.line, reason: 'header line' });
      continue;
    }
    if (isCelEventRow(f)) {
      result.skipped.push({
        line: rec.line,
        reason: 'a CEL event row, not a CDR (CEL files are not imported)',
      });
      continue;
    }
    if (!layout) {
      layout = layoutFromFirstRow(f.length, rec.line);
      layoutSource = `line ${rec.line}, the first row`;
    }
    first = false;
    if (f.length !== columnCount(layout)) {
      result.rejected.push({
        line: rec.line,
        reason: `has ${f.length} columns; this file's rows have ${columnCount(layout)} (from ${layoutSource})`,
      });
      continue;
    }
    const read = readRow(rec.line, f, layout, opts.zone, opts.ambiguous);
    if ('problems' in read) {
      result.rejected.push({ line: rec.line, reason: read.problems.join('; ') });
      continue;
    }
    zoneCheck.see(rec.line, read.row.start, read.row.uniqueid);
    rows.push(read.row);
  }
  result.warnings.push(...zoneCheck.warnings(opts.zone));
  return rows;
}
