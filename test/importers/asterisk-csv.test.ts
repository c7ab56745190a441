import { describe, expect, it } from 'vitest';
import { parseAsteriskCsv, type AsteriskCsvOptions } from '../../src/importers/asterisk-csv';
import { validateCdr } from '../../src/domain/cdr-validation';
import { file, row } from './master-csv-row';
import { stringMatching } from './matching';

const base: AsteriskCsvOptions = { bridgeId: 'ast-1', timeZone: 'UTC', defaultAccessType: 'local_dial_in' };

describe('Asterisk Master.csv: time zone (trap 1)', () => {
  it('refuses to guess: timeZone is required', () => {
    expect(() => parseAsteriskCsv(file(row({})), { bridgeId: 'b' })).toThrow(
      /needs a time zone \(--time-zone\)/,
    );
    expect(() => parseAsteriskCsv(file(row({})), { bridgeId: 'b', timeZone: 'Mars/Olympus' })).toThrow(
      /unknown time zone/,
    );
  });

  it('reads naive times in the given zone', () => {
    const r = parseAsteriskCsv(file(row({ uniqueid: '1793623510.1' })), {
      ...base,
      timeZone: 'Europe/Stockholm',
    });
    expect(r.drafts[0]!.draft.startTime!.toISOString()).toBe('2026-11-02T12:45:10.000Z');
    expect(r.drafts[0]!.draft.answerTime!.toISOString()).toBe('2026-11-02T12:45:20.000Z');
    expect(r.warnings.filter((w) => /uniqueid/.test(w.message))).toEqual([]);
  });

  it('warns when the uniqueid epoch shows the zone is wrong', () => {
    // channel created 2026-11-02T12:45:10Z, but the file says 13:45:10 and we claim UTC
    const r = parseAsteriskCsv(file(row({ uniqueid: 'pbx1-1793623510.7' })), base);
    expect(r.drafts).toHaveLength(1);
    expect(r.warnings).toContainEqual({ line: 1, message: stringMatching(/\+1 h .*timeZone 'UTC'/) });
  });

  it('ambiguous local times at the end of DST: earlier by default, later or reject on request', () => {
    const text = file(
      row({
        start: '2026-10-25 02:30:00',
        answer: '2026-10-25 02:30:05',
        end: '2026-10-25 02:40:00',
        billsec: 595,
      }),
    );
    const tz = { ...base, timeZone: 'Europe/Stockholm' };
    expect(parseAsteriskCsv(text, tz).drafts[0]!.draft.startTime!.toISOString()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(
      parseAsteriskCsv(text, { ...tz, ambiguousTime: 'later' }).drafts[0]!.draft.startTime!.toISOString(),
    ).toBe('2026-10-25T01:30:00.000Z');
    const rej = parseAsteriskCsv(text, { ...tz, ambiguousTime: 'reject' });
    expect(rej.drafts).toEqual([]);
    expect(rej.rejected[0]!.reason).toMatch(/ambiguous in Europe\/Stockholm/);
  });

  it('rejects local times that do not exist (DST gap)', () => {
    const text = file(
      row({
        start: '2026-03-29 02:30:00',
        answer: '2026-03-29 03:30:05',
        end: '2026-03-29 03:40:00',
        billsec: 595,
      }),
    );
    const r = parseAsteriskCsv(text, { ...base, timeZone: 'Europe/Stockholm' });
    expect(r.rejected).toEqual([
      { line: 1, reason: stringMatching(/start: '2026-03-29 02:30:00' does not exist/) },
    ]);
    expect(r.skipped).toEqual([]);
  });

  it('rejects rows with unparseable times', () => {
    const r = parseAsteriskCsv(file(row({ start: '02/11/2026 13:45' })), base);
    expect(r.rejected[0]!.reason).toMatch(/not a 'YYYY-MM-DD HH:MM:SS' time/);
  });
});

describe('Asterisk Master.csv: optional columns (trap 2)', () => {
  it('infers 16, 18, 19 and 21 columns', () => {
    for (const cols of [16, 18, 19, 21] as const) {
      const r = parseAsteriskCsv(file(row({ cols })), base);
      expect(r.drafts, `cols ${cols}`).toHaveLength(1);
    }
  });

  it('refuses a file of 17 or 20 columns as ambiguous unless the cdr.conf settings are given', () => {
    expect(() =>
      parseAsteriskCsv(file(row({ cols: 17, only: 'userfield', userfield: 'CUST-7' })), base),
    ).toThrow(/^line 1 has 17 columns, which is ambiguous .*--log-unique-id or --log-user-field/);
    expect(() => parseAsteriskCsv(file(row({ cols: 20, only: 'uniqueid' })), base)).toThrow(
      /line 1 has 20 columns, which is ambiguous/,
    );
    const told = parseAsteriskCsv(file(row({ cols: 17, only: 'userfield', userfield: 'CUST-7' })), {
      ...base,
      logUserField: true,
      customerAccountFrom: 'userfield',
    });
    expect(told.drafts[0]!.draft.customerAccount).toBe('CUST-7');
    const r20 = parseAsteriskCsv(file(row({ cols: 20, only: 'uniqueid', uniqueid: 'u-20', sequence: 4 })), {
      ...base,
      logUniqueId: true,
      newCdrColumns: true,
    });
    expect(r20.drafts[0]!.draft.recordId).toBe('u-20:4');
  });

  it('rejects rows that do not match the configured layout', () => {
    const r = parseAsteriskCsv(file(row({ cols: 18 }), row({ cols: 16 })), {
      ...base,
      logUniqueId: true,
      logUserField: true,
    });
    expect(r.drafts.map((d) => d.line)).toEqual([1]);
    expect(r.rejected).toEqual([
      { line: 2, reason: "has 16 columns; this file's rows have 18 (from the cdr.conf options given)" },
    ]);
  });

  it('skips a header line and CEL rows, rejects a row with a wrong column count', () => {
    const text = file(
      'accountcode,src,dst,dcontext,clid,channel,dstchannel,lastapp,lastdata,start,answer,end,duration,billsec,disposition,amaflags,uniqueid,userfield',
      '"a","b","c"',
      '"CHAN_START","1335310195.513823","","","","","","s","default","TinCan/string","","","3","","1335310195.0","1335310195.0","","","",""',
      row({}),
    );
    const r = parseAsteriskCsv(text, base);
    expect(r.drafts.map((d) => d.line)).toEqual([4]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['header line', expect.stringMatching(/CEL event/)]);
    expect(r.rejected).toEqual([
      { line: 2, reason: "has 3 columns; this file's rows have 18 (from the header on line 1)" },
    ]);
  });
});

describe('Asterisk Master.csv: CSV quoting', () => {
  it('handles doubled quotes, commas, pipes, backslashes, UTF-8 and empty unquoted dates', () => {
    const text = file(
      row({
        clid: '"Nyström, "Bo"" <+46812345678>',
        lastdata: 'SIP/a,,tF(hangup,h,2)|x\\/y',
        userfield: 'ö;|,',
      }),
      row({ answer: '', billsec: 0, disposition: 'BUSY' }),
    );
    expect(text).toContain(',,"2026-11-02 13:50:20"');
    const r = parseAsteriskCsv(text, { ...base, keepUnanswered: true, callerNumberColumn: 'clid' });
    expect(r.skipped).toEqual([]);
    expect(r.drafts[0]!.draft.callerNumber).toBe('+46812345678');
    expect(r.drafts[1]!.draft.answerTime).toBeUndefined();
  });

  it('keeps a quoted line break inside a field as part of the row, and reports the starting line', () => {
    const text = file(row({ userfield: 'two\nlines', uniqueid: 'nl-1' }), row({ uniqueid: 'after' }));
    const r = parseAsteriskCsv(text, base);
    expect(r.skipped).toEqual([]);
    expect(r.drafts.map((d) => d.line)).toEqual([1, 3]);
  });

  it('accepts CRLF and a BOM; a broken quote loses only its own line', () => {
    const text =
      '\ufeff' + row({ uniqueid: 'a' }) + '\r\n' + '"ACME","oops' + '\r\n' + row({ uniqueid: 'c' }) + '\r\n';
    const r = parseAsteriskCsv(text, base);
    expect(r.drafts.map((d) => d.line)).toEqual([1, 3]);
    expect(r.rejected).toEqual([{ line: 2, reason: stringMatching(/^malformed CSV/) }]);
    expect(parseAsteriskCsv(file(row({}), '"ACME","never closed'), base).rejected[0]).toEqual({
      line: 2,
      reason: 'malformed CSV: quoted field never closed',
    });
    const r2 = parseAsteriskCsv(file('"a"x,"b"', row({})), base);
    expect(r2.rejected[0]!.reason).toMatch(/after a closing quote/);
    expect(r2.drafts).toHaveLength(1);
  });
});

describe('Asterisk Master.csv: record identity (trap 3)', () => {
  it('gives rows that repeat a uniqueid distinct, stable record ids', () => {
    const text = file(
      row({
        uniqueid: 'pbx-1793627110.5',
        dstchannel: 'SIP/b-1',
        answer: '',
        billsec: 0,
        disposition: 'NO ANSWER',
      }),
      row({ uniqueid: 'pbx-1793627110.5', dstchannel: 'IAX2/b-2' }),
      row({
        uniqueid: 'pbx-1793627110.5',
        dstchannel: 'SIP/c-3',
        start: '2026-11-02 13:50:20',
        answer: '2026-11-02 13:50:25',
        end: '2026-11-02 13:55:20',
        billsec: 295,
      }),
    );
    const r1 = parseAsteriskCsv(text, { ...base, keepUnanswered: true });
    const ids = r1.drafts.map((d) => d.draft.recordId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^pbx-1793627110\.5:[0-9a-f]{16}$/);
    expect(
      parseAsteriskCsv(text, { ...base, keepUnanswered: true }).drafts.map((d) => d.draft.recordId),
    ).toEqual(ids);
  });

  it('uses uniqueid:sequence with newcdrcolumns', () => {
    const text = file(
      row({ cols: 21, uniqueid: 'u', sequence: 12, dstchannel: 'SIP/b' }),
      row({ cols: 21, uniqueid: 'u', sequence: 13, dstchannel: 'IAX2/b' }),
    );
    expect(parseAsteriskCsv(text, base).drafts.map((d) => d.draft.recordId)).toEqual(['u:12', 'u:13']);
    expect(parseAsteriskCsv(text, base).drafts.map((d) => d.draft.conferenceId)).toEqual([
      '1793627110.1',
      '1793627110.1',
    ]);
  });

  it("'uniqueid' mode rejects a repeat with other content; 'uniqueid-sequence' rejects rows without a sequence", () => {
    const text = file(row({ uniqueid: 'u1' }), row({ uniqueid: 'u1', dstchannel: 'other' }));
    const r = parseAsteriskCsv(text, { ...base, recordId: 'uniqueid' });
    expect(r.drafts.map((d) => d.draft.recordId)).toEqual(['u1']);
    expect(r.rejected[0]!.reason).toMatch(/record id 'u1' repeats line 1 with other content/);
    expect(parseAsteriskCsv(text, { ...base, recordId: 'uniqueid-sequence' }).rejected).toHaveLength(2);
  });

  it('16-column rows get a row hash id; a row written twice (Master.csv + accountlogs) is reported once', () => {
    const r = parseAsteriskCsv(file(row({ cols: 16 }), row({ cols: 16 })), base);
    expect(r.drafts).toHaveLength(1);
    expect(r.drafts[0]!.draft.recordId).toMatch(/^row:[0-9a-f]{32}$/);
    expect(r.skipped).toEqual([{ line: 2, reason: 'identical to line 1 (row written twice)' }]);
  });
});

describe('Asterisk Master.csv: durations and answered calls (trap 4)', () => {
  it('takes billsec as recorded, never recomputed from printed times', () => {
    // printed 11:02:20 → 11:02:25 is 5 s; Asterisk truncated the ms difference to 4
    const r = parseAsteriskCsv(
      file(
        row({
          start: '2026-08-27 11:02:16',
          answer: '2026-08-27 11:02:20',
          end: '2026-08-27 11:02:25',
          duration: 8,
          billsec: 4,
        }),
      ),
      base,
    );
    expect(r.drafts[0]!.draft.durationSeconds).toBe(4);
    expect(validateCdr(r.drafts[0]!.draft, new Date('2026-12-01')).ok).toBe(true);
  });

  it('skips unanswered rows by default with their disposition; keeps them with duration 0 on request', () => {
    const text = file(
      row({ answer: '', billsec: 0, disposition: 'NO ANSWER' }),
      row({ answer: '', billsec: 0, disposition: 'BUSY', uniqueid: 'x' }),
    );
    const r = parseAsteriskCsv(text, base);
    expect(r.skipped.map((s) => s.reason)).toEqual([
      'unanswered (NO ANSWER); keepUnanswered is off',
      'unanswered (BUSY); keepUnanswered is off',
    ]);
    const kept = parseAsteriskCsv(text, { ...base, keepUnanswered: true });
    expect(kept.drafts.map((d) => d.draft.durationSeconds)).toEqual([0, 0]);
    expect(validateCdr(kept.drafts[0]!.draft, new Date('2026-12-01')).ok).toBe(true);
  });

  it('rejects a row whose billsec is not a whole number', () => {
    const r = parseAsteriskCsv(file(row({}).replace(',310,300,', ',310,3.5,')), base);
    expect(r.rejected[0]!.reason).toMatch(/billsec '3.5'/);
  });
});

describe('Asterisk Master.csv: ConfBridge pair rows (trap 5)', () => {
  // 4 participants: A joins 10:00, B 10:01, C 10:02, D 10:03; 6 pair rows; D is never Party A.
  const conf = (
    a: string,
    b: string,
    ua: string,
    start: string,
    answer: string,
    end: string,
    billsec: number,
  ) =>
    row({
      lastapp: 'ConfBridge',
      lastdata: '555,default_bridge,default_user',
      dst: '555',
      channel: a,
      dstchannel: b,
      uniqueid: ua,
      src: { 'SIP/a-1': '+4611111', 'SIP/b-2': '+4622222', 'SIP/c-3': '+4633333' }[a] ?? '',
      start,
      answer,
      end,
      billsec,
    });
  const rows = [
    conf(
      'SIP/a-1',
      'SIP/b-2',
      '1793613600.1',
      '2026-11-02 10:00:00',
      '2026-11-02 10:01:00',
      '2026-11-02 10:20:00',
      1140,
    ),
    conf(
      'SIP/a-1',
      'SIP/c-3',
      '1793613600.1',
      '2026-11-02 10:00:00',
      '2026-11-02 10:02:00',
      '2026-11-02 10:30:00',
      1680,
    ),
    conf(
      'SIP/a-1',
      'SIP/d-4',
      '1793613600.1',
      '2026-11-02 10:00:00',
      '2026-11-02 10:03:00',
      '2026-11-02 10:30:00',
      1620,
    ),
    conf(
      'SIP/b-2',
      'SIP/c-3',
      '1793613660.2',
      '2026-11-02 10:01:00',
      '2026-11-02 10:02:00',
      '2026-11-02 10:20:00',
      1080,
    ),
    conf(
      'SIP/b-2',
      'SIP/d-4',
      '1793613660.2',
      '2026-11-02 10:01:00',
      '2026-11-02 10:03:00',
      '2026-11-02 10:20:00',
      1020,
    ),
    conf(
      'SIP/c-3',
      'SIP/d-4',
      '1793613720.3',
      '2026-11-02 10:02:00',
      '2026-11-02 10:03:00',
      '2026-11-02 10:40:00',
      2220,
    ),
  ];

  it('turns pair rows into one record per participant by default (Party B only too)', () => {
    const r = parseAsteriskCsv(file(...rows), base);
    const by = new Map(r.drafts.map((d) => [d.draft.recordId, d.draft]));
    expect([...by.keys()].sort()).toEqual(
      ['SIP/a-1', 'SIP/b-2', 'SIP/c-3', 'SIP/d-4'].map((c) => `conf:555@2026-11-02T10:00:00Z:${c}`).sort(),
    );
    const d = (c: string) => by.get(`conf:555@2026-11-02T10:00:00Z:${c}`)!;
    expect(d('SIP/a-1').durationSeconds).toBe(29 * 60); // first pair 10:01 → last end 10:30
    expect(d('SIP/b-2').durationSeconds).toBe(19 * 60);
    expect(d('SIP/c-3').durationSeconds).toBe(38 * 60);
    expect(d('SIP/d-4').durationSeconds).toBe(37 * 60);
    expect(d('SIP/d-4').callerNumber).toBeUndefined(); // never Party A: caller unknown
    expect(d('SIP/a-1').callerNumber).toBe('+4611111');
    expect(new Set(r.drafts.map((x) => x.draft.conferenceId))).toEqual(new Set(['555@2026-11-02T10:00:00Z']));
    for (const x of r.drafts) expect(validateCdr(x.draft, new Date('2026-12-01')).ok).toBe(true);
  });

  it('keeps two conferences in the same room apart', () => {
    const later = row({
      lastapp: 'ConfBridge',
      lastdata: '555',
      channel: 'SIP/z-9',
      uniqueid: 'z',
      start: '2026-11-02 12:00:00',
      answer: '2026-11-02 12:00:01',
      end: '2026-11-02 12:05:00',
      billsec: 299,
    });
    const r = parseAsteriskCsv(file(...rows, later), base);
    expect(new Set(r.drafts.map((x) => x.draft.conferenceId))).toEqual(
      new Set(['555@2026-11-02T10:00:00Z', '555@2026-11-02T12:00:00Z']),
    );
    expect(r.drafts.find((x) => x.draft.recordId!.includes('SIP/z-9'))!.draft.durationSeconds).toBe(299);
  });

  it("'pairs' imports every row as is; 'skip' imports none", () => {
    const pairs = parseAsteriskCsv(file(...rows), { ...base, conferenceRows: 'pairs' });
    expect(pairs.drafts.map((d) => d.draft.durationSeconds)).toEqual([1140, 1680, 1620, 1080, 1020, 2220]);
    const skip = parseAsteriskCsv(file(...rows, row({ uniqueid: 'plain' })), {
      ...base,
      conferenceRows: 'skip',
    });
    expect(skip.drafts.map((d) => d.draft.recordId)).toEqual([expect.stringMatching(/^plain:/)]);
    expect(skip.skipped).toHaveLength(6);
  });
});

describe('Asterisk Master.csv: account, access type, numbers (trap 9)', () => {
  it('maps dcontext to access type, and leaves unmapped ones unknown by default', () => {
    const text = file(
      row({ dcontext: 'from-tollfree', uniqueid: 'a' }),
      row({ dcontext: 'conf-out', uniqueid: 'b' }),
      row({ dcontext: 'weird', uniqueid: 'c' }),
    );
    const r = parseAsteriskCsv(text, {
      bridgeId: 'b',
      timeZone: 'UTC',
      accessTypeByContext: { 'from-tollfree': 'toll_free_dial_in', 'conf-out': 'dial_out' },
    });
    expect(r.drafts.map((d) => d.draft.accessType)).toEqual(['toll_free_dial_in', 'dial_out', 'unknown']);
  });

  it('takes the account from accountcode, userfield or peeraccount, with a default for empty ones', () => {
    expect(
      parseAsteriskCsv(file(row({ accountcode: '' })), base).drafts[0]!.draft.customerAccount,
    ).toBeUndefined();
    expect(
      parseAsteriskCsv(file(row({ accountcode: '' })), { ...base, defaultCustomerAccount: 'HOUSE' })
        .drafts[0]!.draft.customerAccount,
    ).toBe('HOUSE');
    expect(
      parseAsteriskCsv(file(row({ userfield: 'C-42' })), { ...base, customerAccountFrom: 'userfield' })
        .drafts[0]!.draft.customerAccount,
    ).toBe('C-42');
    expect(
      parseAsteriskCsv(file(row({ cols: 21, peeraccount: 'P-1' })), {
        ...base,
        customerAccountFrom: 'peeraccount',
      }).drafts[0]!.draft.customerAccount,
    ).toBe('P-1');
  });

  it('caller number from src, or from clid when src is empty or clid is chosen', () => {
    const one = (o: Parameters<typeof row>[0], opts: Partial<AsteriskCsvOptions> = {}) =>
      parseAsteriskCsv(file(row(o)), { ...base, ...opts }).drafts[0]!.draft.callerNumber;
    expect(one({ src: '+4611', clid: '"X" <+4622>' })).toBe('+4611');
    expect(one({ src: '', clid: '"X" <+4622>' })).toBe('+4622');
    expect(one({ src: '+4611', clid: '"X" <+4622>' }, { callerNumberColumn: 'clid' })).toBe('+4622');
  });

  it('normalises numbers to E.164 and drops (with a warning) or keeps the rest', () => {
    const text = file(row({ src: '0046 8 123 456', dst: '08-123 457', uniqueid: 'n' }));
    const r = parseAsteriskCsv(text, { ...base, countryCode: '46' });
    expect(r.drafts[0]!.draft.callerNumber).toBe('+468123456');
    expect(r.drafts[0]!.draft.calledNumber).toBe('+468123457');
    const ext = parseAsteriskCsv(file(row({ src: '8001' })), base);
    expect(ext.drafts[0]!.draft.callerNumber).toBeUndefined();
    expect(ext.warnings).toContainEqual({
      line: 1,
      message: "caller_number '8001' is not an E.164 number; left out",
    });
    const keep = parseAsteriskCsv(file(row({ src: '8001' })), { ...base, nonE164Numbers: 'keep' });
    expect(keep.drafts[0]!.draft.callerNumber).toBe('8001');
    expect(validateCdr(keep.drafts[0]!.draft, new Date('2026-12-01')).ok).toBe(false);
  });
});
