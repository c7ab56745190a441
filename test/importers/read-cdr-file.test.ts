/** One file from bytes to rows: empty, unknown, encodings, and the reasons files are not imported. */
import { describe, expect, it } from 'vitest';
import { readCdrFile, type CdrImportOptions } from '../../src/importers/index';
import { identifyFormat } from '../../src/importers/detect-format';
import { file, row } from './master-csv-row';

const opts: CdrImportOptions = { bridgeId: 'b', timeZone: 'UTC', defaultAccessType: 'local_dial_in' };
const parsed = (r: ReturnType<typeof readCdrFile>) => {
  if (r.kind !== 'parsed') throw new Error(`expected a parsed file, got ${r.kind}`);
  return r;
};

describe('readCdrFile', () => {
  it('says a file is empty: no bytes, only whitespace, only a BOM', () => {
    for (const bytes of [
      Buffer.alloc(0),
      Buffer.from(' \r\n\n'),
      Buffer.from('\ufeff', 'utf8'),
      Buffer.from([0xff, 0xfe]),
    ]) {
      expect(readCdrFile('Master.csv', bytes, opts)).toEqual({ kind: 'empty' });
    }
  });

  it('refuses an unknown file, naming why and the supported formats', () => {
    expect(() => readCdrFile('notes.txt', Buffer.from('hello world\n'), opts)).toThrow(
      /^not a supported CDR file: the first line is not a Master\.csv row \(1 comma-separated field\(s\), not 16 to 21\); supported: Asterisk cdr_csv Master\.csv \(asterisk-csv\) and FreeSWITCH JSON CDRs \(freeswitch-json\) \(--format forces one\)$/,
    );
    expect(() => readCdrFile('c.cdr.xml', Buffer.from('<?xml version="1.0"?><cdr/>'), opts)).toThrow(
      /XML is not imported/,
    );
    expect(() => readCdrFile('x.json', Buffer.from('{"a":1}'), opts)).toThrow(/JSON without the "variables"/);
    expect(
      identifyFormat(
        'Master.csv',
        '"CHAN_START","1335310195.513823","","","","","","s","default","TinCan/string","","","3","","1335310195.0","1335310195.0","","","",""\n',
      ),
    ).toEqual({
      reason: 'an Asterisk CEL log is not imported (bill from Master.csv)',
    });
  });

  it('imports a Latin-1 file only when told, with the name decoded correctly', () => {
    const bytes = Buffer.from(file(row({ accountcode: 'Företag AB', uniqueid: 'l1' })), 'latin1');
    expect(() => readCdrFile('Master.csv', bytes, opts)).toThrow(
      /^line 1 is not valid UTF-8; .*--encoding latin1/,
    );
    const r = parsed(readCdrFile('Master.csv', bytes, opts, { encoding: 'latin1' }));
    expect(r.encoding).toBe('latin1');
    expect(r.result.drafts[0]!.draft.customerAccount).toBe('Företag AB');
  });

  it('reads a UTF-16 FreeSWITCH JSON CDR (as Windows tools save it)', () => {
    const json = JSON.stringify({
      variables: {
        uuid: 'u16',
        start_epoch: '1793628000',
        answer_epoch: '1793628001',
        end_epoch: '1793628061',
        billsec: '60',
        accountcode: 'Åsa',
      },
    });
    const r = parsed(
      readCdrFile(
        'leg.cdr.json',
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]),
        opts,
      ),
    );
    expect(r).toMatchObject({ format: 'freeswitch-json', encoding: 'utf16le' });
    expect(r.result.drafts[0]!.draft).toMatchObject({
      recordId: 'u16',
      customerAccount: 'Åsa',
      durationSeconds: 60,
    });
  });

  it('honours --format for a file detection would not recognise', () => {
    const r = parsed(
      readCdrFile(
        'Master.csv.1',
        Buffer.from(file('"a","b","c"', row({}))),
        { ...opts, logUniqueId: true, logUserField: true },
        { format: 'asterisk-csv' },
      ),
    );
    expect(r.result.rejected.map((x) => x.line)).toEqual([1]);
    expect(r.result.drafts).toHaveLength(1);
  });
});
