import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseCdrFile } from '../../src/importers/index';
import { validateCdr } from '../../src/domain/cdr-validation';

// CI clones the repository beside shared/: <root>/main/test/importers → <root>/shared/cdr-samples
const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES = path.resolve(here, '../../../shared/cdr-samples');
const haveSamples = existsSync(SAMPLES);
if (!haveSamples) console.warn(`shared CDR samples not found at ${SAMPLES}: sample tests skipped`);
const read = (f: string) => readFileSync(path.join(SAMPLES, f), 'utf8');
const NOW = new Date('2026-12-01T00:00:00Z');

describe('detectFormat', () => {
  it('detects by content, then by name', () => {
    expect(detectFormat('x.cdr.json', '{"core-uuid":"a","variables":{}}')).toBe('freeswitch-json');
    expect(detectFormat('whatever', '\ufeff  [{"variables":{"uuid":"u"}}]')).toBe('freeswitch-json');
    expect(
      detectFormat(
        'Master.csv',
        '"","1","2","ctx","","c","","Dial","","2026-01-01 00:00:00",,"2026-01-01 00:00:01",1,0,"NO ANSWER","DOCUMENTATION"\n',
      ),
    ).toBe('asterisk-csv');
    expect(detectFormat('empty.csv', '')).toBe('asterisk-csv');
    expect(detectFormat('empty.json', '')).toBe('freeswitch-json');
  });

  it('returns undefined for what is not importable: conference XML, CEL, other JSON, other CSV', () => {
    expect(detectFormat('c.cdr.xml', '<?xml version="1.0"?>\n<cdr><conference/></cdr>')).toBeUndefined();
    expect(
      detectFormat(
        'Master.csv',
        '"CHAN_START","1335310195.513823","","","","","","s","default","TinCan/string","","","3","","1335310195.0","1335310195.0","","","",""\n',
      ),
    ).toBeUndefined();
    expect(detectFormat('a.json', '{"hello":1}')).toBeUndefined();
    expect(detectFormat('a.csv', 'a,b,c\n')).toBeUndefined();
  });
});

describe('parseCdrFile', () => {
  it('requires a bridge id and a known format', () => {
    expect(() => parseCdrFile('', 'freeswitch-json', { bridgeId: '' })).toThrow(/bridgeId/);
    expect(() => parseCdrFile('', 'nope' as never, { bridgeId: 'b' })).toThrow(/unknown CDR file format/);
  });
});

describe.skipIf(!haveSamples)('shared samples (../shared/cdr-samples)', () => {
  const opts = {
    bridgeId: 'sample',
    timeZone: 'UTC',
    defaultAccessType: 'local_dial_in' as const,
    defaultCustomerAccount: 'HOUSE',
  };

  it('asterisk-Master.csv (18 columns): 8 legs, the BUSY row skipped, the zone mismatch of the local-time rows flagged', () => {
    const t = read('asterisk-Master.csv');
    expect(detectFormat('asterisk-Master.csv', t)).toBe('asterisk-csv');
    const r = parseCdrFile(t, 'asterisk-csv', opts);
    // rows 1-3, 7, 8, 10 plain; rows 4-6 (3 ConfBridge pairs) → 3 participants (Alice, Bob, Charlie)
    expect(r.drafts).toHaveLength(9);
    expect(r.skipped).toEqual([{ line: 9, reason: 'unanswered (BUSY); keepUnanswered is off' }]);
    expect(r.rejected).toEqual([]);
    expect(r.warnings.filter((w) => /uniqueid/.test(w.message)).map((w) => w.message)).toEqual([
      expect.stringMatching(/-6 h/), // doc example written in US Central
      expect.stringMatching(/\+2 h/), // bbfdm lines written at UTC+2
    ]);
    const conf = r.drafts.filter((d) => d.draft.conferenceId?.startsWith('1000@'));
    expect(conf.map((d) => d.draft.durationSeconds).sort()).toEqual([170, 180, 230]);
    for (const d of r.drafts) expect(validateCdr(d.draft, NOW)).toMatchObject({ ok: true });
  });

  it('asterisk-Master-newcdrcolumns.csv (21 columns): sequence ids for the parallel dial', () => {
    const r = parseCdrFile(read('asterisk-Master-newcdrcolumns.csv'), 'asterisk-csv', {
      ...opts,
      keepUnanswered: true,
    });
    expect(r.drafts.map((d) => d.draft.recordId)).toContain('Asterisk-01-1362424276.2:12');
    expect(r.drafts.map((d) => d.draft.recordId)).toContain('Asterisk-01-1362424276.2:13');
    expect(r.drafts).toHaveLength(5);
    expect(r.rejected).toEqual([]);
    for (const d of r.drafts) expect(validateCdr(d.draft, NOW)).toMatchObject({ ok: true });
  });

  it('asterisk-Master-16col.csv: no ids in the file, row hashes instead', () => {
    const r = parseCdrFile(read('asterisk-Master-16col.csv'), 'asterisk-csv', {
      ...opts,
      timeZone: 'Europe/Stockholm',
    });
    expect(r.drafts).toHaveLength(2);
    for (const d of r.drafts) expect(d.draft.recordId).toMatch(/^row:/);
    expect(r.drafts[0]!.draft.startTime!.toISOString()).toBe('2020-08-27T09:02:16.000Z');
  });

  it('CEL and conference XML samples are recognised as not importable', () => {
    expect(
      detectFormat('asterisk-cel-Master-testsuite.csv', read('asterisk-cel-Master-testsuite.csv')),
    ).toBeUndefined();
    expect(
      detectFormat('freeswitch-conference-cdr.xml', read('freeswitch-conference-cdr.xml')),
    ).toBeUndefined();
  });

  it('freeswitch-json samples parse into valid A-leg CDRs', () => {
    const files = readdirSync(path.join(SAMPLES, 'freeswitch-json')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      const t = read(`freeswitch-json/${f}`);
      expect(detectFormat(f, t)).toBe('freeswitch-json');
      const r = parseCdrFile(t, 'freeswitch-json', opts);
      expect(r.skipped, f).toEqual([]);
      expect(r.rejected, f).toEqual([]);
      expect(r.drafts, f).toHaveLength(1);
      expect(validateCdr(r.drafts[0]!.draft, NOW), f).toMatchObject({ ok: true });
    }
  });

  it('01 (2018): billsec 21, epoch times', () => {
    const d = parseCdrFile(read('freeswitch-json/01-answered-aleg-2018.cdr.json'), 'freeswitch-json', opts)
      .drafts[0]!.draft;
    expect(d).toMatchObject({
      recordId: '5a3a1d91-90d3-4db4-af5c-cc3ae15d93a4',
      durationSeconds: 21,
      customerAccount: '1001',
    });
    expect(d.startTime!.toISOString()).toBe('2018-03-14T11:09:18.006Z');
  });

  it('02 (2013, duplicate callflow keys): original destination +4986517174963, current "dan"', () => {
    const t = read('freeswitch-json/02-answered-aleg-2013-duplicate-callflow.cdr.json');
    expect(parseCdrFile(t, 'freeswitch-json', opts).drafts[0]!.draft.calledNumber).toBe('+4986517174963');
    const cur = parseCdrFile(t, 'freeswitch-json', {
      ...opts,
      callerProfile: 'current',
      nonE164Numbers: 'keep',
    }).drafts[0]!.draft;
    expect(cur.calledNumber).toBe('dan');
    expect(parseCdrFile(t, 'freeswitch-json', opts).drafts[0]!.draft.durationSeconds).toBe(4);
  });
});
