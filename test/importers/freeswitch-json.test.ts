import { describe, expect, it } from 'vitest';
import {
  looksUrlEncoded,
  parseFreeSwitchJson,
  percentDecode,
  type FreeSwitchJsonOptions,
} from '../../src/importers/freeswitch-json';
import { validateCdr } from '../../src/domain/cdr-validation';

const base: FreeSwitchJsonOptions = { bridgeId: 'fs-1', defaultAccessType: 'local_dial_in' };
const NOW = new Date('2026-12-01T00:00:00Z');

/** A FreeSWITCH JSON CDR of our own: conference A-leg, answered, unencoded. */
function leg(
  vars: Record<string, string | undefined> = {},
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const v: Record<string, string | undefined> = {
    direction: 'inbound',
    uuid: 'leg-aaaa',
    call_uuid: 'leg-aaaa',
    accountcode: 'ACME',
    conference_name: 'room-7@default',
    conference_uuid: 'conf-uuid-7',
    start_stamp: '2026-11-02 14:00:00',
    answer_stamp: '2026-11-02 14:00:05',
    end_stamp: '2026-11-02 14:10:00',
    start_epoch: '1793628000',
    start_uepoch: '1793628000250000',
    answer_epoch: '1793628005',
    answer_uepoch: '1793628005900000',
    end_epoch: '1793628600',
    end_uepoch: '1793628600100000',
    duration: '600',
    billsec: '595',
    hangup_cause: 'NORMAL_CLEARING',
    effective_caller_id_number: '+4690000',
    ...vars,
  };
  for (const k of Object.keys(v)) if (v[k] === undefined) delete v[k];
  return {
    'core-uuid': 'core',
    switchname: 'fs',
    channel_data: { state: 'CS_REPORTING', direction: 'inbound' },
    variables: v,
    callflow: [
      {
        dialplan: 'XML',
        profile_index: '2',
        caller_profile: {
          caller_id_number: '+46812345678',
          destination_number: 'room-7',
          context: 'conferences',
          uuid: 'leg-aaaa',
        },
      },
      {
        dialplan: 'XML',
        profile_index: '1',
        caller_profile: {
          caller_id_number: '+46812345678',
          destination_number: '+46771000000',
          context: 'tollfree',
          uuid: 'leg-aaaa',
        },
      },
    ],
    ...extra,
  };
}
const text = (...docs: unknown[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';

describe('FreeSWITCH JSON: a normal conference A-leg', () => {
  it('maps ids, UTC epoch times (µs, to ms), billsec and the original destination', () => {
    const r = parseFreeSwitchJson(text(leg()), { ...base, timeZone: 'America/New_York' });
    expect(r.skipped).toEqual([]);
    const d = r.drafts[0]!.draft;
    expect(d).toMatchObject({
      bridgeId: 'fs-1',
      recordId: 'leg-aaaa',
      conferenceId: 'conf-uuid-7',
      customerAccount: 'ACME',
      callerNumber: '+46812345678',
      calledNumber: '+46771000000',
      durationSeconds: 595,
    });
    // the *_stamp local times are ignored when epochs exist, whatever timeZone says
    expect(d.startTime!.toISOString()).toBe('2026-11-02T14:00:00.250Z');
    expect(d.answerTime!.toISOString()).toBe('2026-11-02T14:00:05.900Z');
    expect(d.endTime!.toISOString()).toBe('2026-11-02T14:10:00.100Z');
    expect(validateCdr(d, NOW).ok).toBe(true);
  });

  it('billsec from whole-second epochs may exceed the µs span by up to 1 s and still validates (trap 4)', () => {
    const r = parseFreeSwitchJson(
      text(
        leg({
          start_uepoch: '1793628000999000',
          answer_uepoch: '1793628000999000',
          answer_epoch: '1793628000',
          end_uepoch: '1793628600000001',
          billsec: '600',
        }),
      ),
      base,
    );
    expect(r.drafts[0]!.draft.durationSeconds).toBe(600);
    expect(validateCdr(r.drafts[0]!.draft, NOW).ok).toBe(true);
  });

  it('falls back to *_stamp only with a timeZone, and rejects the leg otherwise', () => {
    const noEpoch = leg({
      start_epoch: undefined,
      start_uepoch: undefined,
      answer_epoch: undefined,
      answer_uepoch: undefined,
      end_epoch: undefined,
      end_uepoch: undefined,
    });
    expect(parseFreeSwitchJson(text(noEpoch), base).rejected[0]!.reason).toMatch(/no timeZone/);
    const r = parseFreeSwitchJson(text(noEpoch), { ...base, timeZone: 'Europe/Stockholm' });
    expect(r.drafts[0]!.draft.startTime!.toISOString()).toBe('2026-11-02T13:00:00.000Z');
  });
});

describe('FreeSWITCH JSON: legs (trap 6)', () => {
  const bLeg = leg({
    uuid: 'leg-bbbb',
    direction: 'outbound',
    originator: 'leg-aaaa',
    last_bridge_role: 'originatee',
  });
  const bLeg2 = leg({ uuid: 'leg-cccc', direction: 'outbound', originating_leg_uuid: 'leg-aaaa' });
  const dialOut = leg({ uuid: 'leg-dddd', direction: 'outbound' });

  it('bills A-legs only by default; conference dial-out legs (no originator) are kept', () => {
    const r = parseFreeSwitchJson(text(leg(), bLeg, bLeg2, dialOut), base);
    expect(r.drafts.map((d) => d.draft.recordId)).toEqual(['leg-aaaa', 'leg-dddd']);
    expect(r.skipped.map((s) => s.line)).toEqual([2, 3]);
    expect(r.skipped[0]!.reason).toMatch(/B-leg leg-bbbb \(originated by leg-aaaa\)/);
  });

  it("'all' imports every leg; a leg read twice is reported", () => {
    const r = parseFreeSwitchJson(text(leg(), bLeg, leg()), { ...base, legs: 'all' });
    expect(r.drafts.map((d) => d.draft.recordId)).toEqual(['leg-aaaa', 'leg-bbbb']);
    expect(r.skipped).toEqual([{ line: 3, reason: 'leg leg-aaaa already read on line 1' }]);
  });
});

describe('FreeSWITCH JSON: URL-encoded variables (trap 7)', () => {
  const encoded = leg({
    accountcode: 'Nystr%C3%B6m%20%26%20Co',
    conference_name: 'room%207%40default',
    conference_uuid: undefined,
    effective_caller_id_number: '%2B4690000',
    start_stamp: '2026-11-02%2014%3A00%3A00',
    answer_stamp: '2026-11-02%2014%3A00%3A05',
    end_stamp: '2026-11-02%2014%3A10%3A00',
    cgr_destination: '%2B4420794600',
  });

  it('auto-detects encoding from the stamps and percent-decodes as UTF-8', () => {
    const r = parseFreeSwitchJson(text(encoded), {
      ...base,
      callerNumberFrom: 'effective_caller_id_number',
      calledNumberVariables: ['cgr_destination'],
    });
    const d = r.drafts[0]!.draft;
    expect(d.customerAccount).toBe('Nyström & Co');
    expect(d.conferenceId).toBe('room 7@default');
    expect(d.callerNumber).toBe('+4690000');
    expect(d.calledNumber).toBe('+4420794600');
  });

  it('leaves unencoded documents alone: a literal % or + is data', () => {
    const r = parseFreeSwitchJson(text(leg({ accountcode: '100%25+x' })), base);
    expect(r.drafts[0]!.draft.customerAccount).toBe('100%25+x');
  });

  it("'never' and 'always' override the heuristic", () => {
    expect(
      parseFreeSwitchJson(text(encoded), { ...base, urlDecode: 'never' }).drafts[0]!.draft.customerAccount,
    ).toBe('Nystr%C3%B6m%20%26%20Co');
    expect(
      parseFreeSwitchJson(text(leg({ accountcode: 'A%2FB' })), { ...base, urlDecode: 'always' }).drafts[0]!
        .draft.customerAccount,
    ).toBe('A/B');
  });

  it('percent-decoding is not form-decoding; the heuristic works without stamps', () => {
    expect(percentDecode('a+b%2Bc%20d%C3%B6')).toBe('a+b+c dö');
    expect(percentDecode('bad%ZZ%C3')).toBe('bad%ZZ\uFFFD');
    expect(looksUrlEncoded({ a: 'x%40y' })).toBe(true);
    expect(looksUrlEncoded({ a: 'x%40y', b: 'sip:1@h' })).toBe(false);
    expect(looksUrlEncoded({ a: 'plain' })).toBe(false);
  });
});

describe('FreeSWITCH JSON: callflow shape and destination (trap 8)', () => {
  it('reads pre-2015 duplicate "callflow" keys (newest first), not just the last one', () => {
    const d = leg();
    const flows = d.callflow as unknown[];
    delete d.callflow;
    const json =
      JSON.stringify(d).slice(0, -1) + flows.map((f) => `,"callflow":${JSON.stringify(f)}`).join('') + '}';
    expect((json.match(/"callflow"/g) ?? []).length).toBe(2);
    const orig = parseFreeSwitchJson(json, base).drafts[0]!.draft;
    expect(orig.calledNumber).toBe('+46771000000');
    const cur = parseFreeSwitchJson(json, { ...base, callerProfile: 'current', nonE164Numbers: 'keep' })
      .drafts[0]!.draft;
    expect(cur.calledNumber).toBe('room-7');
  });

  it('original profile by default, current on request; context from that profile picks the access type', () => {
    const opts = {
      ...base,
      accessTypeByContext: { tollfree: 'toll_free_dial_in' as const, conferences: 'local_dial_in' as const },
    };
    expect(parseFreeSwitchJson(text(leg()), opts).drafts[0]!.draft.accessType).toBe('toll_free_dial_in');
    expect(
      parseFreeSwitchJson(text(leg()), { ...opts, callerProfile: 'current' }).drafts[0]!.draft.accessType,
    ).toBe('local_dial_in');
    expect(
      parseFreeSwitchJson(text(leg({ my_access: 'dial_out' })), { ...opts, accessTypeVariable: 'my_access' })
        .drafts[0]!.draft.accessType,
    ).toBe('dial_out');
  });

  it('a single callflow object (not an array) is accepted', () => {
    const d = leg();
    d.callflow = (d.callflow as unknown[])[1];
    expect(parseFreeSwitchJson(JSON.stringify(d, null, 2), base).drafts[0]!.draft.calledNumber).toBe(
      '+46771000000',
    );
  });
});

describe('FreeSWITCH JSON: caller identity, account, features, booking (trap 9)', () => {
  it('caller_id_number by default, effective_caller_id_number on request', () => {
    expect(parseFreeSwitchJson(text(leg()), base).drafts[0]!.draft.callerNumber).toBe('+46812345678');
    expect(
      parseFreeSwitchJson(text(leg()), { ...base, callerNumberFrom: 'effective_caller_id_number' }).drafts[0]!
        .draft.callerNumber,
    ).toBe('+4690000');
  });

  it('account from a list of variables, then the default; conference id falls back to call_uuid', () => {
    const d = parseFreeSwitchJson(
      text(
        leg({
          accountcode: undefined,
          user_name: 'u1',
          conference_uuid: undefined,
          conference_name: undefined,
        }),
      ),
      {
        ...base,
        customerAccountVariables: ['accountcode', 'user_name'],
      },
    ).drafts[0]!.draft;
    expect(d.customerAccount).toBe('u1');
    expect(d.conferenceId).toBe('leg-aaaa');
    expect(
      parseFreeSwitchJson(text(leg({ accountcode: undefined })), { ...base, defaultCustomerAccount: 'HOUSE' })
        .drafts[0]!.draft.customerAccount,
    ).toBe('HOUSE');
  });

  it('features from variables, booking id from a variable', () => {
    const d = parseFreeSwitchJson(text(leg({ record_seconds: '120', op_assist: 'false', booking: 'BK-9' })), {
      ...base,
      featureVariables: { record_seconds: 'recording', op_assist: 'operator_assistance' },
      bookingIdVariable: 'booking',
    }).drafts[0]!.draft;
    expect(d.features).toEqual(['recording']);
    expect(d.bookingId).toBe('BK-9');
  });
});

describe('FreeSWITCH JSON: unanswered legs and file shapes', () => {
  const unanswered = leg({
    uuid: 'leg-u',
    answer_epoch: '0',
    answer_uepoch: '0',
    answer_stamp: undefined,
    billsec: '0',
    hangup_cause: 'ORIGINATOR_CANCEL',
  });

  it('skips unanswered legs (answer_epoch "0") with their hangup cause; keeps them with duration 0 on request', () => {
    expect(parseFreeSwitchJson(text(unanswered), base).skipped).toEqual([
      { line: 1, reason: 'unanswered (ORIGINATOR_CANCEL); keepUnanswered is off' },
    ]);
    const d = parseFreeSwitchJson(text(unanswered), { ...base, keepUnanswered: true }).drafts[0]!.draft;
    expect(d.answerTime).toBeUndefined();
    expect(d.durationSeconds).toBe(0);
    expect(validateCdr(d, NOW).ok).toBe(true);
  });

  it('reads a pretty-printed document, a JSON array, and NDJSON with a broken line', () => {
    expect(parseFreeSwitchJson(JSON.stringify(leg(), null, 2), base).drafts).toHaveLength(1);
    expect(parseFreeSwitchJson(JSON.stringify([leg(), leg({ uuid: 'x2' })]), base).drafts).toHaveLength(2);
    const r = parseFreeSwitchJson(text(leg()) + '{"variables": \n' + text(leg({ uuid: 'x3' })), base);
    expect(r.drafts.map((d) => [d.line, d.draft.recordId])).toEqual([
      [1, 'leg-aaaa'],
      [3, 'x3'],
    ]);
    expect(r.rejected[0]!.line).toBe(2);
    expect(r.skipped).toEqual([]);
    expect(parseFreeSwitchJson('{"foo":1}', base).rejected[0]!.reason).toMatch(/no "variables"/);
    expect(parseFreeSwitchJson('nope', base).rejected[0]!.reason).toMatch(/^not JSON/);
  });
});
