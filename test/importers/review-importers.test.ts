/**
 * Importer regressions from a review: the CSV reader streams records and builds fields as slices
 * (a large Master.csv no longer needs a heap of one-character strings), a FreeSWITCH leg repeated in
 * one file with other content is rejected rather than skipped as a harmless duplicate, and a
 * pretty-printed JSON file with one mistake is one error at its line and column.
 */
import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from '../../src/importers/csv';
import { parseFreeSwitchJson } from '../../src/importers/freeswitch-json';
import { parseAsteriskCsv } from '../../src/importers/asterisk-csv';

const leg = (uuid: string, billsec: string) => ({
  variables: {
    uuid,
    accountcode: 'ACME',
    start_epoch: '1793628000',
    answer_epoch: '1793628005',
    end_epoch: '1793628600',
    billsec,
  },
  callflow: [
    {
      profile_index: '1',
      caller_profile: {
        caller_id_number: '+46812345678',
        destination_number: '+46771000000',
        context: 'conferences',
      },
    },
  ],
});
const opts = { bridgeId: 'fs-1', defaultAccessType: 'local_dial_in' as const };

describe('CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, counting lines', () => {
    const text = '\ufeffa,"b,""c""\nd",e\r\n"x"y,z\n1,2\r\n\n"open\n3,4';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b,"c"\nd', 'e'], raw: 'a,"b,""c""\nd",e' },
      { line: 3, error: 'unexpected "y" after a closing quote', raw: '"x"y,z' },
      { line: 4, fields: ['1', '2'], raw: '1,2' },
      { line: 5, fields: [''], raw: '' },
      { line: 6, error: 'quoted field never closed', raw: '"open' },
      { line: 7, fields: ['3', '4'], raw: '3,4' },
    ]);
  });

  it('yields records one at a time', () => {
    const records = readCsv('a\nb\nc\n');
    expect(records.next().value).toEqual({ line: 1, fields: ['a'], raw: 'a' });
    expect(records.next().value).toEqual({ line: 2, fields: ['b'], raw: 'b' });
  });

  it('parses 100,000 Master.csv rows within a modest heap', () => {
    const row = (i: number) =>
      `"ACME","+46812345678","+46771000000","conf-in","""Bob"" <+46812345678>","SIP/trunk-${i}","","Dial","SIP/x",` +
      `"2026-11-02 14:00:00","2026-11-02 14:00:05","2026-11-02 14:01:00",60,55,"ANSWERED","DOCUMENTATION","1793628000.${i}",""`;
    const text = Array.from({ length: 100_000 }, (_, i) => row(i)).join('\n') + '\n';
    const before = process.memoryUsage().heapUsed;
    const records = parseCsv(text);
    const grown = process.memoryUsage().heapUsed - before;
    expect(records).toHaveLength(100_000);
    // Fields grown a character at a time held ~200 MB here; slices hold ~90 MB.
    expect(grown).toBeLessThan(150e6);
    const r = parseAsteriskCsv(text, { ...opts, timeZone: 'UTC' });
    expect(r.drafts).toHaveLength(100_000);
    expect(r.rejected).toEqual([]);
  });
});

describe('FreeSWITCH JSON: a leg repeated in one file', () => {
  const text = (...docs: unknown[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';

  it('an identical copy is skipped; a copy with other content is rejected, naming both lines', () => {
    const r = parseFreeSwitchJson(text(leg('leg-1', '595'), leg('leg-1', '595'), leg('leg-1', '60')), opts);
    expect(r.drafts.map((d) => [d.line, d.draft.durationSeconds])).toEqual([[1, 595]]);
    expect(r.skipped).toEqual([{ line: 2, reason: 'leg leg-1 already read on line 1' }]);
    expect(r.rejected).toEqual([
      { line: 3, reason: 'leg leg-1 repeats line 1 with other content (only the first is imported)' },
    ]);
  });
});

describe('FreeSWITCH JSON: a pretty-printed file with a mistake', () => {
  it('is one error at the line and column of the mistake, not one per line of the file', () => {
    const pretty = JSON.stringify([leg('a', '60'), leg('b', '60')], null, 2).replace(
      '"billsec": "60"\n',
      '"billsec": "60",\n',
    );
    const r = parseFreeSwitchJson(pretty, opts);
    expect(r.drafts).toEqual([]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.line).toBe(10);
    expect(r.rejected[0]!.reason).toMatch(/^not JSON: .* at line 10, column 5 /);
  });

  it('NDJSON with one bad line still imports the others', () => {
    const r = parseFreeSwitchJson(
      `${JSON.stringify(leg('a', '60'))}\n{"variables": \n${JSON.stringify(leg('c', '60'))}\n`,
      opts,
    );
    expect(r.drafts.map((d) => d.line)).toEqual([1, 3]);
    expect(r.rejected.map((x) => x.line)).toEqual([2]);
  });
});
