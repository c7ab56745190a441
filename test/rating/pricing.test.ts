import type { Explanation } from '../../src/domain/rating/index';
import { describe, expect, it } from 'vitest';
import {
  buildRuleBook,
  type RuleBook,
  type RatingOutcome,
  type PricingContext,
} from '../../src/domain/rating/index';
import { cdr, fixtureSource } from './fixture';

function book(...srcs: ReturnType<typeof fixtureSource>[]): RuleBook {
  const r = buildRuleBook(srcs.length ? srcs : [fixtureSource()]);
  if (!r.ok) throw new Error(JSON.stringify(r.violations, null, 2));
  return r.book;
}
const B = book();
const ctx: PricingContext = { customerAccount: 'C-1' };
function rated(o: RatingOutcome) {
  if (!o.rated) throw new Error(`not rated: ${o.reason}`);
  return o;
}
// 2025-03-12 is a Wednesday; Stockholm is UTC+1 in March before the 30th.

describe('rating (hand-computed amounts)', () => {
  it('splits a call crossing peak -> off-peak and prices each part at its band rate', () => {
    // SE card 1/1, peak 0.60, offpeak 0.30 per 60 s. 17:59:00-18:01:00 local:
    // 60 s peak x 0.60/60 = 0.60 ; 60 s offpeak x 0.30/60 = 0.30 ; total 0.90
    const o = rated(
      B.rate(cdr({ calledNumber: '+468123456', start: '2025-03-12T17:59:00+01:00', seconds: 120 }), ctx),
    );
    expect(o.amount).toBe('0.90');
    expect(o.explanation.bands.map((b) => [b.name, b.seconds, b.billedSeconds, b.amount])).toEqual([
      ['peak', 60, 60, '0.6'],
      ['offpeak', 60, 60, '0.3'],
    ]);
    expect(o.explanation.zone).toBe('SE');
    expect(o.explanation.matchedPrefix).toBe('+46');
    expect(o.firedRules).toEqual(['dial-out SE']);
  });

  it('applies first increment 60 then 1 s (60/1), and 1/1, on the same call length', () => {
    // mob card 60/1 at 0.60: 61 s -> billed 60 + 1 = 61 s -> 61 x 0.60/60 = 0.61
    expect(
      rated(
        B.rate(cdr({ calledNumber: '+46701234567', start: '2025-03-12T10:00:00+01:00', seconds: 61 }), ctx),
      ).amount,
    ).toBe('0.61');
    // 30 s -> first increment in full: 60 s -> 0.60
    const short = rated(
      B.rate(cdr({ calledNumber: '+46701234567', start: '2025-03-12T10:00:00+01:00', seconds: 30 }), ctx),
    );
    expect(short.amount).toBe('0.60');
    expect(short.explanation.bands[0]).toMatchObject({ seconds: 30, billedSeconds: 60 });
    // SE card 1/1, peak 0.60: 61 s -> 61 s -> 0.61 ; 30 s -> 30 s -> 0.30
    expect(
      rated(B.rate(cdr({ calledNumber: '+468123', start: '2025-03-12T10:00:00+01:00', seconds: 30 }), ctx))
        .amount,
    ).toBe('0.30');
  });

  it('uses 60/60 increments: a started minute is a minute', () => {
    // de card 60/60: 61 s -> 120 s billed at 1.20/60 = 2.40 + connect fee 0.10 = 2.50
    expect(
      rated(B.rate(cdr({ calledNumber: '+49301234', start: '2025-03-12T10:00:00+01:00', seconds: 61 }), ctx))
        .amount,
    ).toBe('2.50');
  });

  it('changes the rate after N seconds (rate slots) and adds the connect fee', () => {
    // de card: 1.20/min for seconds 0-299, 0.60/min from 300; 60/60; connect fee 0.10.
    // 410 s -> billed 420 s: 300 s x 1.20/60 = 6.00 ; 120 s x 0.60/60 = 1.20 ; + 0.10 = 7.30
    const o = rated(
      B.rate(cdr({ calledNumber: '+49301234', start: '2025-03-12T10:00:00+01:00', seconds: 410 }), ctx),
    );
    expect(o.amount).toBe('7.30');
    expect(o.explanation.bands.map((b) => [b.name, b.billedSeconds, b.rate, b.amount])).toEqual([
      ['peak', 300, '1.20', '6'],
      ['peak after 300 s', 120, '0.60', '1.2'],
    ]);
    expect(o.explanation.connectFee).toBe('0.10');
  });

  it('lets a contract special price beat the list price', () => {
    // list: 120 s peak x 0.60/60 = 1.20 ; contract 0.24/min: 120 x 0.24/60 = 0.48
    const c = cdr({ calledNumber: '+468123', start: '2025-03-12T10:00:00+01:00', seconds: 120 });
    expect(rated(B.rate(c, ctx)).amount).toBe('1.20');
    const o = rated(
      B.rate(c, {
        customerAccount: 'C-1',
        contract: {
          id: 'K-7',
          specialPrices: [{ accessType: 'dial_out', zone: 'SE', ratePerMinute: '0.24' }],
        },
      }),
    );
    expect(o.amount).toBe('0.48');
    expect(o.explanation.steps.some((s) => s.text.includes('Contract K-7 special price 0.24'))).toBe(true);
    // a zone-less special price for another access type does not apply
    expect(
      rated(
        B.rate(c, {
          customerAccount: 'C-1',
          contract: { id: 'K-7', specialPrices: [{ accessType: 'web', ratePerMinute: '0.01' }] },
        }),
      ).amount,
    ).toBe('1.20');
  });

  it('lets a customer rule in the files beat the list price', () => {
    // rule "dial-out BIG customer SE" (priority 20) picks card big 0.15/min 1/1: 120 s -> 0.30
    const o = rated(
      B.rate(cdr({ calledNumber: '+468123', start: '2025-03-12T10:00:00+01:00', seconds: 120 }), {
        customerAccount: 'BIG',
      }),
    );
    expect(o.amount).toBe('0.30');
    expect(o.firedRules).toEqual(['dial-out BIG customer SE', 'dial-out SE']);
  });

  it('applies a contract discount after the cap and a plan discount from the rules', () => {
    // boundary call 0.90 (see first test) - 10 % = 0.81
    const c = cdr({ calledNumber: '+468123456', start: '2025-03-12T17:59:00+01:00', seconds: 120 });
    expect(
      rated(B.rate(c, { customerAccount: 'C-1', contract: { id: 'K-1', discountPercent: '10' } })).amount,
    ).toBe('0.81');
    // rule discount 15 % for plan nonprofit: 0.90 x 0.85 = 0.765 -> 0.77 (half up)
    const o = rated(B.rate(c, { customerAccount: 'C-1', contract: { id: 'K-2', pricePlan: 'nonprofit' } }));
    expect(o.amount).toBe('0.77');
    expect(o.explanation.discount).toBe('0.135');
    // the contract's own discount beats the plan's rule: 0.90 x 0.90 = 0.81
    expect(
      rated(
        B.rate(c, {
          customerAccount: 'C-1',
          contract: { id: 'K-3', pricePlan: 'nonprofit', discountPercent: '10' },
        }),
      ).amount,
    ).toBe('0.81');
  });

  it('applies the minimum and the maximum charge per call', () => {
    // tf card 60/60 0.50/min, min 0.75, max 5.00. 30 s -> 60 s -> 0.50 -> minimum 0.75
    const lo = rated(
      B.rate(
        cdr({
          accessType: 'toll_free_dial_in',
          callerNumber: '+468555',
          start: '2025-03-12T10:00:00+01:00',
          seconds: 30,
        }),
        ctx,
      ),
    );
    expect(lo.amount).toBe('0.75');
    expect(lo.explanation.minimumApplied).toBe('0.75');
    // 20 min -> 1200 s x 0.50/60 = 10.00 -> maximum 5.00
    const hi = rated(
      B.rate(
        cdr({
          accessType: 'toll_free_dial_in',
          callerNumber: '+468555',
          start: '2025-03-12T10:00:00+01:00',
          seconds: 1200,
        }),
        ctx,
      ),
    );
    expect(hi.amount).toBe('5.00');
    expect(hi.explanation.capApplied).toBe('5.00');
  });

  it('adds feature surcharges (per call and per minute), not discounted', () => {
    // 20:00 Wednesday = offpeak: 120 s x 0.30/60 = 0.60 ; recording 0.25 ; transcription 120 s x 0.02/60 = 0.04 ; = 0.89
    const c = cdr({
      calledNumber: '+468123',
      start: '2025-03-12T20:00:00+01:00',
      seconds: 120,
      features: ['recording', 'transcription'],
    });
    const o = rated(B.rate(c, ctx));
    expect(o.amount).toBe('0.89');
    expect(o.explanation.surcharges).toEqual([
      { feature: 'recording', amount: '0.25' },
      { feature: 'transcription', amount: '0.04' },
    ]);
    // with 50 % contract discount: 0.60 x 0.5 = 0.30 + 0.25 + 0.04 = 0.59
    expect(
      rated(B.rate(c, { customerAccount: 'C-1', contract: { id: 'K', discountPercent: '50' } })).amount,
    ).toBe('0.59');
  });

  it('prices weekends and holidays (with fallbacks) in the customer time zone', () => {
    // local card: peak 0.06, offpeak 0.03, weekend 0.02, no holiday rate -> holiday uses weekend.
    // Saturday 10:00, 600 s x 0.02/60 = 0.20
    expect(
      rated(
        B.rate(cdr({ accessType: 'local_dial_in', start: '2025-03-15T10:00:00+01:00', seconds: 600 }), ctx),
      ).amount,
    ).toBe('0.20');
    // Thursday 2025-12-25 10:00 is a holiday: 0.20 (it would be peak: 0.60)
    const h = rated(
      B.rate(cdr({ accessType: 'local_dial_in', start: '2025-12-25T10:00:00+01:00', seconds: 600 }), ctx),
    );
    expect(h.amount).toBe('0.20');
    expect(h.explanation.bands[0]!.name).toBe('holiday');
    // 12-24 23:55 -> 12-25 00:05: 300 s offpeak x 0.03/60 = 0.15 ; 300 s holiday x 0.02/60 = 0.10 ; 0.25
    expect(
      rated(
        B.rate(cdr({ accessType: 'local_dial_in', start: '2025-12-24T23:55:00+01:00', seconds: 600 }), ctx),
      ).amount,
    ).toBe('0.25');
    // SE card has no weekend rate: weekend falls back to offpeak 0.30: Saturday 60 s = 0.30
    expect(
      rated(B.rate(cdr({ calledNumber: '+468123', start: '2025-03-15T10:00:00+01:00', seconds: 60 }), ctx))
        .amount,
    ).toBe('0.30');
  });

  it("uses the customer's time zone for bands", () => {
    // 07:30 UTC = 08:30 Stockholm (peak, 60 s x 0.60/60 = 0.60) = 03:30 New York (offpeak, 0.30)
    const c = cdr({ calledNumber: '+468123', start: '2025-03-12T07:30:00Z', seconds: 60 });
    expect(rated(B.rate(c, ctx)).amount).toBe('0.60');
    expect(rated(B.rate(c, { customerAccount: 'C-1', timeZone: 'America/New_York' })).amount).toBe('0.30');
    expect(B.rate(c, { customerAccount: 'C-1', timeZone: 'Mars/Olympus' })).toEqual({
      rated: false,
      reason: 'unknown time zone Mars/Olympus',
    });
  });

  it('splits correctly across a daylight-saving change', () => {
    // 2025-10-27 is a Monday; Europe/Stockholm left DST on Sunday 10-26. Use New York: DST ends Sunday 2025-11-02 02:00.
    // Call Sunday 01:50 EDT (05:50 UTC), 40 min: weekend all the way; local card weekend 0.02: 2400 s -> 0.80
    const o = rated(
      B.rate(cdr({ accessType: 'local_dial_in', start: '2025-11-02T05:50:00Z', seconds: 2400 }), {
        customerAccount: 'C',
        timeZone: 'America/New_York',
      }),
    );
    expect(o.amount).toBe('0.80');
    // Friday 2025-10-31 17:50 EDT, 20 min: 600 s peak x 0.06/60 = 0.60 ; 600 s offpeak x 0.03/60 = 0.30 ; 0.90
    expect(
      rated(
        B.rate(cdr({ accessType: 'local_dial_in', start: '2025-10-31T21:50:00Z', seconds: 1200 }), {
          customerAccount: 'C',
          timeZone: 'America/New_York',
        }),
      ).amount,
    ).toBe('0.90');
  });

  it('rounds once, with the rule set method and decimals', () => {
    // us card 6/6 0.05/min, connect 0.02: 100 s -> billed 102 s: 102 x 0.05/60 = 0.085 + 0.02 = 0.105
    const c = cdr({ calledNumber: '+12125550100', start: '2025-03-12T10:00:00+01:00', seconds: 100 });
    const o = rated(B.rate(c, ctx));
    expect(o.explanation.unrounded).toBe('0.105');
    expect(o.amount).toBe('0.11'); // half_up
    expect(rated(book(fixtureSource({ rounding: 'half_even' })).rate(c, ctx)).amount).toBe('0.10'); // half_even
  });

  it('prices by the rule set in force at the start time', () => {
    // v2 from 2025-06-01 raises SE peak to 0.90: 60 s peak -> 0.60 before, 0.90 after
    const b = book(
      fixtureSource(),
      fixtureSource({ version: '2', effectiveFrom: '2025-06-01T00:00:00+02:00', sePeak: '0.90' }),
    );
    const before = rated(
      b.rate(cdr({ calledNumber: '+468123', start: '2025-05-30T10:00:00+02:00', seconds: 60 }), ctx),
    );
    const after = rated(
      b.rate(cdr({ calledNumber: '+468123', start: '2025-06-02T10:00:00+02:00', seconds: 60 }), ctx),
    );
    expect([before.amount, before.ruleSetVersion, after.amount, after.ruleSetVersion]).toEqual([
      '0.60',
      '1',
      '0.90',
      '2',
    ]);
    expect(
      b.rate(cdr({ calledNumber: '+468123', start: '2024-12-31T10:00:00+01:00', seconds: 60 }), ctx),
    ).toMatchObject({ rated: false });
    expect(b.ruleSetAt(new Date('2025-05-31T22:00:00Z'))!.version).toBe('2');
    expect(b.ruleSetAt(new Date('2025-05-31T21:59:59.999Z'))!.version).toBe('1');
  });

  it('does not rate what it cannot price, and never throws', () => {
    expect(
      B.rate(cdr({ calledNumber: '+999', start: '2025-03-12T10:00:00+01:00', seconds: 60 }), ctx),
    ).toEqual({
      rated: false,
      reason: 'rejected by rule dial-out unknown: no destination',
    });
    expect(B.rate(cdr({ start: '2025-03-12T10:00:00+01:00', seconds: -5 }), ctx)).toMatchObject({
      rated: false,
    });
    expect(B.rate(cdr({ start: 'not a date', seconds: 5 }), ctx)).toMatchObject({ rated: false });
    expect(
      B.rate(cdr({ calledNumber: '+468', start: '2025-03-12T10:00:00+01:00', seconds: 5 }), {
        customerAccount: 'C',
        contract: { id: 'K', discountPercent: '1e3' },
      }),
    ).toMatchObject({ rated: false });
  });

  it('charges nothing for 0 billable seconds', () => {
    const o = rated(
      B.rate(
        cdr({
          calledNumber: '+49301',
          start: '2025-03-12T10:00:00+01:00',
          seconds: 0,
          features: ['recording'],
        }),
        ctx,
      ),
    );
    expect(o.amount).toBe('0.00');
  });

  it('explains in words and serialises the explanation', () => {
    const o = rated(
      B.rate(cdr({ calledNumber: '+49301234', start: '2025-03-12T10:00:00+01:00', seconds: 410 }), ctx),
    );
    const json = JSON.parse(JSON.stringify(o)) as { explanation: Explanation };
    expect(json.explanation.summary).toBe(
      'dial_out to zone DE, 410 s peak (billed 420 s) on card de: 7.30 EUR',
    );
    expect(json.explanation.steps.at(-1)).toEqual({
      text: 'Rounded half_up to 2 decimals from 7.3',
      amount: '7.30',
    });
    expect({ ...o }.explanation.bands).toHaveLength(2);
  });
});
