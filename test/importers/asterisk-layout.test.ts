/**
 * The Asterisk layout is decided once per file (options, else header, else first row) and a row
 * with another column count is rejected, never re-read under another layout.
 */
import { describe, expect, it } from 'vitest';
import { parseAsteriskCsv, type AsteriskCsvOptions } from '../../src/importers/asterisk-csv';
import { CdrFileError } from '../../src/importers/cdr-file-error';
import { layoutFromHeader, BASE_COLUMNS } from '../../src/importers/asterisk-layout';
import { file, row } from './master-csv-row';
import { stringMatching } from './matching';

const base: AsteriskCsvOptions = { bridgeId: 'ast-1', timeZone: 'UTC', defaultAccessType: 'local_dial_in' };
const header = (...extra: string[]) => [...BASE_COLUMNS, ...extra].join(',');

describe('Asterisk layout: decided once per file', () => {
  it('rejects a 19-column row in an 18-column file instead of reading its userfield as the conference id', () => {
    const nineteen = row({ uniqueid: 'u-2', userfield: 'CUSTOMER-NOTE' }) + ',"extra"';
    const r = parseAsteriskCsv(file(row({ uniqueid: 'u-1' }), nineteen, row({ uniqueid: 'u-3' })), base);
    expect(r.drafts.map((d) => d.line)).toEqual([1, 3]);
    expect(r.rejected).toEqual([
      { line: 2, reason: "has 19 columns; this file's rows have 18 (from line 1, the first row)" },
    ]);
    expect(r.drafts.map((d) => d.draft.conferenceId)).not.toContain('CUSTOMER-NOTE');
  });

  it('rejects an 18-column row in a 19-column (newcdrcolumns) file, and a 21-column one in a 16-column file', () => {
    const r19 = parseAsteriskCsv(file(row({ cols: 19, linkedid: 'L1' }), row({ cols: 18 })), base);
    expect(r19.drafts).toHaveLength(1);
    expect(r19.rejected).toEqual([
      { line: 2, reason: "has 18 columns; this file's rows have 19 (from line 1, the first row)" },
    ]);
    const r16 = parseAsteriskCsv(file(row({ cols: 16 }), row({ cols: 21 })), base);
    expect(r16.rejected.map((x) => x.line)).toEqual([2]);
  });

  it('reads 17- and 20-column files when the cdr.conf options say which columns they have', () => {
    const r17 = parseAsteriskCsv(file(row({ cols: 17, only: 'uniqueid', uniqueid: 'pbx-1793627110.9' })), {
      ...base,
      logUniqueId: true,
    });
    expect(r17.drafts[0]!.draft.recordId).toMatch(/^pbx-1793627110\.9:/);
    const r20 = parseAsteriskCsv(file(row({ cols: 20, only: 'userfield', userfield: 'C-9', sequence: 3 })), {
      ...base,
      logUserField: true,
      newCdrColumns: true,
      customerAccountFrom: 'userfield',
    });
    expect(r20.drafts[0]!.draft.customerAccount).toBe('C-9');
    expect(r20.rejected).toEqual([]);
  });

  it('takes the layout from a header line, which lets a 17-column file in without options', () => {
    const r = parseAsteriskCsv(
      file(header('userfield'), row({ cols: 17, only: 'userfield', userfield: 'C-7' }), row({ cols: 18 })),
      {
        ...base,
        customerAccountFrom: 'userfield',
      },
    );
    expect(r.drafts.map((d) => d.draft.customerAccount)).toEqual(['C-7']);
    expect(r.skipped).toEqual([{ line: 1, reason: 'header line' }]);
    expect(r.rejected).toEqual([
      { line: 3, reason: "has 18 columns; this file's rows have 17 (from the header on line 1)" },
    ]);
  });

  it('refuses a header that contradicts the options, or names columns Master.csv does not have', () => {
    expect(() =>
      parseAsteriskCsv(file(header('uniqueid', 'userfield'), row({})), { ...base, newCdrColumns: true }),
    ).toThrow(/header on line 1 names 18 columns .* but the options say 19 columns/);
    expect(() => layoutFromHeader([...BASE_COLUMNS, 'linkedid'], 1)).toThrow(CdrFileError);
    expect(
      layoutFromHeader(
        header('uniqueid', 'userfield', 'peeraccount', 'linkedid', 'sequence').toUpperCase().split(','),
        1,
      ),
    ).toEqual({
      uniqueid: true,
      userfield: true,
      newcols: true,
    });
  });

  it('rejects a later header of another layout (concatenated files) and the rows that follow it', () => {
    const r = parseAsteriskCsv(file(row({ uniqueid: 'a' }), header(), row({ cols: 16 })), base);
    expect(r.rejected.map((x) => [x.line, x.reason])).toEqual([
      [2, "header line with 16 columns; this file's rows have 18 (from line 1, the first row)"],
      [3, "has 16 columns; this file's rows have 18 (from line 1, the first row)"],
    ]);
  });

  it('refuses a file whose first row has a count that is not Master.csv, naming the line', () => {
    expect(() => parseAsteriskCsv(file('"a","b","c"', row({})), base)).toThrow(
      /^line 1, the first row, has 3 columns/,
    );
    // With the options given, the layout is known and only that row is rejected.
    const r = parseAsteriskCsv(file('"a","b","c"', row({})), {
      ...base,
      logUniqueId: true,
      logUserField: true,
    });
    expect(r.rejected.map((x) => x.line)).toEqual([1]);
    expect(r.drafts).toHaveLength(1);
  });

  it('decides from the first readable row: a broken first line is rejected, not used', () => {
    const r = parseAsteriskCsv(file('"ACME","never closed', row({ cols: 16 })), base);
    expect(r.rejected).toEqual([{ line: 1, reason: stringMatching(/^malformed CSV/) }]);
    expect(r.drafts).toHaveLength(1);
  });
});
