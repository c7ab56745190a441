import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cdrConflictFields, cdrFingerprint } from '../../src/domain/cdr-fingerprint';
import { validateCdr, type CdrDraft } from '../../src/domain/cdr-validation';
import { createHash } from 'node:crypto';
import { ACCESS_TYPES, FEATURES, type Cdr } from '../../src/domain/cdr';

const NOW = new Date('2026-11-28T12:00:00Z');
const good = (): CdrDraft => ({
  bridgeId: 'sto-bridge-1',
  recordId: 'r-1',
  conferenceId: 'conf-9',
  bookingId: 'bk-1',
  customerAccount: 'C-100',
  accessType: 'dial_out',
  callerNumber: '+46812345678',
  calledNumber: '+4420794600',
  startTime: new Date('2026-11-28T10:00:00Z'),
  answerTime: new Date('2026-11-28T10:00:10Z'),
  endTime: new Date('2026-11-28T10:10:10Z'),
  durationSeconds: 600,
  features: ['recording', 'operator_assistance'],
});
const fields = (d: CdrDraft) => {
  const r = validateCdr(d, NOW);
  return r.ok ? [] : r.violations.map((v) => v.field);
};
const reasons = (d: CdrDraft) => {
  const r = validateCdr(d, NOW);
  return r.ok ? [] : r.violations;
};

describe('validateCdr', () => {
  it('accepts a good draft and normalises features to a sorted unique list', () => {
    const r = validateCdr(good(), NOW);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cdr.features).toEqual(['operator_assistance', 'recording']);
    expect(r.cdr.bridgeId).toBe('sto-bridge-1');
    expect(r.cdr.answerTime?.toISOString()).toBe('2026-11-28T10:00:10.000Z');
  });

  it('accepts an unanswered leg with duration 0 and no optional fields', () => {
    const d = good();
    delete d.answerTime;
    delete d.bookingId;
    delete d.callerNumber;
    delete d.calledNumber;
    delete d.features;
    d.durationSeconds = 0;
    const r = validateCdr(d, NOW);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.cdr.features).toEqual([]);
  });

  it('reports every missing id, not just the first', () => {
    const d = good();
    delete d.bridgeId;
    d.recordId = '';
    delete d.conferenceId;
    delete d.customerAccount;
    expect(reasons(d)).toEqual([
      { field: 'bridge_id', reason: 'missing' },
      { field: 'record_id', reason: 'missing' },
      { field: 'conference_id', reason: 'missing' },
      { field: 'customer_account', reason: 'missing' },
    ]);
  });

  it('rejects ids over 128 characters, with control characters, or blank', () => {
    expect(fields({ ...good(), recordId: 'x'.repeat(128) })).toEqual([]);
    expect(reasons({ ...good(), recordId: 'x'.repeat(129) })).toEqual([
      { field: 'record_id', reason: 'too long: 129 characters, at most 128' },
    ]);
    expect(reasons({ ...good(), conferenceId: 'a\nb' })[0]).toEqual({
      field: 'conference_id',
      reason: 'contains control characters',
    });
    expect(fields({ ...good(), bookingId: 'a\u0000' })).toEqual(['booking_id']);
    expect(fields({ ...good(), customerAccount: '   ' })).toEqual(['customer_account']);
  });

  it('rejects ids with a lone UTF-16 surrogate, and keeps paired ones', () => {
    const lone = { field: 'record_id', reason: 'contains a lone UTF-16 surrogate (not valid Unicode)' };
    for (const recordId of ['x\ud800', '\udc00x', 'a\udc00\ud800b', '\ud83d'])
      expect(reasons({ ...good(), recordId })).toEqual([lone]);
    expect(fields({ ...good(), recordId: 'call \ud83d\ude00' })).toEqual([]);
    expect(fields({ ...good(), bridgeId: 'y\udfff' })).toEqual(['bridge_id']);
  });

  it('rejects invalid, too early and future times', () => {
    expect(reasons({ ...good(), startTime: new Date('nope') })).toContainEqual({
      field: 'start_time',
      reason: 'not a valid time (Invalid Date)',
    });
    expect(fields({ ...good(), startTime: new Date('1999-12-31T23:59:59Z') })).toContain('start_time');
    const future = new Date(NOW.getTime() + 24 * 3600 * 1000 + 1000);
    const d = { ...good(), endTime: future, durationSeconds: 0 };
    delete d.answerTime;
    expect(fields(d)).toEqual(['end_time']);
    // exactly one day ahead is tolerated (clock skew)
    expect(fields({ ...good(), endTime: new Date(NOW.getTime() + 24 * 3600 * 1000) })).toEqual([]);
    expect(fields({ ...good(), answerTime: new Date(NaN) })).toEqual(['answer_time']);
  });

  it('rejects end before start and answer outside [start, end]', () => {
    expect(
      reasons({ ...good(), endTime: new Date('2026-11-28T09:59:59Z'), durationSeconds: 0 }).map(
        (v) => v.field,
      ),
    ).toEqual(['end_time', 'answer_time']);
    expect(reasons({ ...good(), answerTime: new Date('2026-11-28T09:59:00Z') })).toContainEqual({
      field: 'answer_time',
      reason: 'answer 2026-11-28T09:59:00.000Z is before start 2026-11-28T10:00:00.000Z',
    });
    expect(fields({ ...good(), answerTime: new Date('2026-11-28T10:10:11Z'), durationSeconds: 0 })).toEqual([
      'answer_time',
    ]);
  });

  it('rejects negative, fractional, absurd, missing and too long durations', () => {
    expect(reasons({ ...good(), durationSeconds: -1 })).toEqual([
      { field: 'duration_seconds', reason: 'negative: -1' },
    ]);
    expect(reasons({ ...good(), durationSeconds: 1.5 })[0]!.reason).toMatch(/whole number/);
    expect(reasons({ ...good(), durationSeconds: NaN })[0]!.reason).toMatch(/not a number/);
    const long = {
      ...good(),
      endTime: new Date('2026-11-28T11:00:00Z'),
      startTime: new Date('2026-11-25T10:00:00Z'),
      answerTime: undefined,
    };
    expect(reasons({ ...long, durationSeconds: 48 * 3600 + 1 })[0]!.reason).toMatch(/absurd/);
    const d = good();
    delete d.durationSeconds;
    expect(fields(d)).toEqual(['duration_seconds']);
    // 610 s between start and end: 611 tolerated (truncation), 612 not
    expect(fields({ ...good(), durationSeconds: 611 })).toEqual([]);
    expect(reasons({ ...good(), durationSeconds: 612 })[0]!.reason).toMatch(
      /longer than end_time − start_time \(610 s\)/,
    );
  });

  it('rejects a positive duration on a leg never answered', () => {
    const d = { ...good(), answerTime: undefined };
    expect(reasons(d)).toEqual([
      { field: 'duration_seconds', reason: '600 s but the leg was never answered (no answer_time)' },
    ]);
  });

  it('rejects unknown access types, unknown and duplicate features with their index', () => {
    expect(reasons({ ...good(), accessType: 'unknown' })[0]!.field).toBe('access_type');
    expect(reasons({ ...good(), accessType: 'unknown' })[0]!.reason).toMatch(/unknown access type 'unknown'/);
    expect(fields({ ...good(), accessType: undefined })).toEqual(['access_type']);
    expect(reasons({ ...good(), features: ['recording', 'karaoke', 'recording'] })).toEqual([
      { field: 'features[1]', reason: expect.stringMatching(/unknown feature 'karaoke'/) as string },
      { field: 'features[2]', reason: "duplicate feature 'recording' (already features[0])" },
    ]);
    expect(fields({ ...good(), features: Array(33).fill('recording') })).toEqual(['features']);
  });

  it('rejects phone numbers that are not E.164 when present, and oversize ones', () => {
    expect(fields({ ...good(), callerNumber: '0812345678' })).toEqual(['caller_number']);
    expect(fields({ ...good(), calledNumber: '+0123' })).toEqual(['called_number']);
    expect(fields({ ...good(), calledNumber: '+1' })).toEqual(['called_number']);
    expect(fields({ ...good(), calledNumber: '+123456789012345' })).toEqual([]);
    expect(reasons({ ...good(), calledNumber: '+1234567890123456' })[0]!.reason).toMatch(/too long/);
    expect(fields({ ...good(), callerNumber: '' })).toEqual([]);
  });

  it('collects violations across all fields at once', () => {
    const r = validateCdr(
      { accessType: 'fax', durationSeconds: -5, features: ['x'], callerNumber: 'abc' },
      NOW,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations.map((v) => v.field)).toEqual([
      'bridge_id',
      'record_id',
      'conference_id',
      'customer_account',
      'access_type',
      'caller_number',
      'start_time',
      'end_time',
      'duration_seconds',
      'features[0]',
    ]);
  });
});

describe('cdrFingerprint', () => {
  const cdr = (): Cdr => {
    const r = validateCdr(good(), NOW);
    if (!r.ok) throw new Error('bad fixture');
    return r.cdr;
  };

  it('is a sha256 hex string, equal for equal content', () => {
    expect(cdrFingerprint(cdr())).toMatch(/^[0-9a-f]{64}$/);
    expect(cdrFingerprint(cdr())).toBe(cdrFingerprint(cdr()));
  });

  it('changes when any field changes', () => {
    const base = cdrFingerprint(cdr());
    const variants: Partial<Cdr>[] = [
      { recordId: 'r-2' },
      { conferenceId: 'c' },
      { bookingId: undefined },
      { customerAccount: 'C-2' },
      { accessType: 'web' },
      { callerNumber: '+46812345679' },
      { calledNumber: undefined },
      { startTime: new Date('2026-11-28T10:00:01Z') },
      { answerTime: undefined },
      { endTime: new Date('2026-11-28T10:10:11Z') },
      { durationSeconds: 601 },
      { features: ['recording'] },
      { bridgeId: 'other' },
    ];
    for (const v of variants) expect(cdrFingerprint({ ...cdr(), ...v }), JSON.stringify(v)).not.toBe(base);
  });

  it('does not depend on key order, feature order or empty-vs-absent optionals (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom<Cdr['features'][number]>(
            'recording',
            'operator_assistance',
            'transcription',
            'streaming',
          ),
        ),
        fc.integer(),
        (features, seed) => {
          const c = { ...cdr(), features: [...new Set(features)] };
          const entries = Object.entries(c);
          // deterministic shuffle
          const shuffled = [...entries].sort(
            (a, b) => ((a[0].charCodeAt(0) * seed) % 7) - ((b[0].charCodeAt(0) * seed) % 7),
          );
          const other = Object.fromEntries(shuffled) as unknown as Cdr;
          other.features = [...c.features].reverse();
          expect(cdrFingerprint(other)).toBe(cdrFingerprint(c));
        },
      ),
    );
    expect(cdrFingerprint({ ...cdr(), bookingId: '' })).toBe(
      cdrFingerprint({ ...cdr(), bookingId: undefined }),
    );
  });

  it('stays the fingerprint stored so far, character for character', () => {
    // Computed by the first implementation (sha256 of JSON.stringify of the canonical object):
    // a stored fingerprint that changed would turn every resend into a conflict.
    expect(cdrFingerprint(cdr())).toBe('d25af787323577be348da4522862e037961a5930a20ce7adf9ab58608c251738');
    const odd: Cdr = {
      ...cdr(),
      bookingId: undefined,
      answerTime: undefined,
      calledNumber: '',
      features: ['operator_assistance', 'recording', 'recording'],
      conferenceId: 'ä "quoted" \\ \u2028 \u0001',
    };
    expect(cdrFingerprint(odd)).toBe('15439f38bc24992eb320c7148ed5e8752ab6c6278c34ecc44fab1b8fa4757fe3');
  });

  it('hashes the JSON of the canonical object on any CDR (property)', () => {
    // The reference form every stored fingerprint was made with; cdrFingerprint writes the same
    // text out by hand, so random content (quotes, escapes, any Unicode, absent or empty
    // optionals, repeated features, any instant) must give the same hash.
    const reference = (c: Cdr) =>
      createHash('sha256')
        .update(
          JSON.stringify({
            bridge_id: c.bridgeId,
            record_id: c.recordId,
            conference_id: c.conferenceId,
            booking_id: c.bookingId || null,
            customer_account: c.customerAccount,
            access_type: c.accessType,
            caller_number: c.callerNumber || null,
            called_number: c.calledNumber || null,
            start_time: c.startTime.toISOString(),
            answer_time: c.answerTime?.toISOString() ?? null,
            end_time: c.endTime.toISOString(),
            duration_seconds: c.durationSeconds,
            features: [...new Set(c.features)].sort(),
          }),
        )
        .digest('hex');
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const optional = fc.option(text, { nil: undefined });
    const instant = fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('2200-01-01T00:00:00Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(
        fc.record({
          bridgeId: text,
          recordId: text,
          conferenceId: text,
          bookingId: optional,
          customerAccount: text,
          accessType: fc.constantFrom(...ACCESS_TYPES),
          callerNumber: optional,
          calledNumber: optional,
          startTime: instant,
          answerTime: fc.option(instant, { nil: undefined }),
          endTime: instant,
          durationSeconds: fc.nat(),
          features: fc.array(fc.constantFrom(...FEATURES), { maxLength: 6 }),
        }),
        (c: Cdr) => {
          expect(cdrFingerprint(c)).toBe(reference(c));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('lists conflicting fields by proto name', () => {
    const a = cdr();
    const b = { ...cdr(), durationSeconds: 5, accessType: 'web' as const };
    expect(cdrConflictFields(a, b).map((v) => v.field)).toEqual(['access_type', 'duration_seconds']);
    expect(cdrConflictFields(a, cdr())).toEqual([]);
  });
});
