/**
 * Random (rule set, call) pairs for the integer-money property test and `npm run bench:rating-equality`,
 * from a seed. The amounts are chosen to hit the hard cases: few and many decimals, ties at the
 * rounding place, whole amounts under directed rounding, per-minute surcharges that are thirds of a
 * cent, odd rate units, large amounts past the integer range (the decimal fallback), discounts.
 */
import { ACCESS_TYPES, FEATURES, type Cdr, type Feature } from '../../../src/domain/cdr';
import {
  CompiledRuleSet,
  priceCallDecimal,
  type PricingContext,
  type RateCardJson,
  type RatingOutcome,
  type RoundingMethod,
  type RuleJson,
  type RuleSetSource,
} from '../../../src/domain/rating/index';

export type Rnd = () => number;

/** A small seeded generator (mulberry32): the same seed, the same cases. */
export function seeded(seed: number): Rnd {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (r: Rnd, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Rnd, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

const METHODS: RoundingMethod[] = ['half_up', 'half_even', 'half_down', 'up', 'down', 'ceiling', 'floor'];
const ZONES = ['SE', 'EU', 'WORLD'];

/** A decimal amount as finance writes it: mostly 2-4 decimals, sometimes none or many, sometimes huge. */
export function amount(r: Rnd): string {
  const x = r();
  if (x < 0.1) return pick(r, ['0', '0.00', '0.005', '0.015', '0.125', '0.5', '1', '0.333', '0.0001']);
  const places = x < 0.85 ? int(r, 0, 4) : x < 0.98 ? int(r, 5, 8) : int(r, 9, 20);
  const whole =
    r() < 0.01 ? String(int(r, 1, 9)) + '0'.repeat(int(r, 6, 14)) : String(int(r, 0, r() < 0.8 ? 2 : 500));
  let frac = '';
  for (let i = 0; i < places; i++) frac += String(int(r, 0, 9));
  return places ? `${whole}.${frac}` : whole;
}

function percent(r: Rnd): string {
  return pick(r, ['0', '5', '10', '12.5', '33.333', '50', '7.25', '100', '3', '0.5', '66.6667']);
}

function card(r: Rnd): RateCardJson {
  const slots = (): { fromSecond: number; rate: string }[] => {
    const list = [{ fromSecond: 0, rate: amount(r) }];
    if (r() < 0.3) list.push({ fromSecond: pick(r, [30, 60, 600, 601]), rate: amount(r) });
    return list;
  };
  const c: RateCardJson = {
    rateUnit: pick(r, [60, 60, 60, 1, 6, 7, 30, 90, 3600]),
    firstIncrement: pick(r, [1, 6, 30, 60, 60]),
    nextIncrement: pick(r, [1, 1, 6, 30, 60]),
    rates:
      r() < 0.5
        ? { any: slots() }
        : { peak: slots(), offpeak: slots(), ...(r() < 0.5 ? { weekend: slots() } : {}) },
  };
  if (r() < 0.4) c.connectFee = amount(r);
  let min: string | undefined;
  if (r() < 0.3) c.minimumCharge = min = amount(r);
  if (r() < 0.3) {
    const max = amount(r);
    // validation refuses a maximum below the minimum; keep only one then
    if (min === undefined || Number(max) >= Number(min)) c.maximumCharge = max;
  }
  return c;
}

/** A valid rule set: a rate rule per access type (some per zone), discounts and surcharges. */
export function randomRuleSet(r: Rnd, id: number): CompiledRuleSet {
  const cards: Record<string, RateCardJson> = {};
  const nCards = int(r, 1, 4);
  for (let i = 0; i < nCards; i++) cards[`c${i}`] = card(r);
  const cardName = () => `c${int(r, 0, nCards - 1)}`;
  const rules: RuleJson[] = [];
  for (const at of ACCESS_TYPES) {
    rules.push({
      name: `rate ${at}`,
      priority: 10,
      conditions: { all: [{ fact: 'accessType', operator: 'equal', value: at }] },
      event: { type: 'rate', params: { rateCard: cardName() } },
    });
    if (r() < 0.5)
      rules.push({
        name: `rate ${at} EU`,
        priority: 20,
        conditions: {
          all: [
            { fact: 'accessType', operator: 'equal', value: at },
            { fact: 'zone', operator: 'equal', value: 'EU' },
          ],
        },
        event: { type: 'rate', params: { rateCard: cardName() } },
      });
  }
  if (r() < 0.5)
    rules.push({
      name: 'long calls',
      priority: 30,
      conditions: { all: [{ fact: 'durationSeconds', operator: 'greaterThan', value: int(r, 60, 3000) }] },
      event: { type: 'rate', params: { rateCard: cardName() } },
    });
  if (r() < 0.6)
    rules.push({
      name: 'plan discount',
      conditions: { all: [{ fact: 'pricePlan', operator: 'equal', value: 'p' }] },
      event: { type: 'discount', params: { percent: percent(r) } },
    });
  for (const f of FEATURES)
    if (r() < 0.4) {
      const params: { name: string; amount?: string; perMinute?: string } = { name: f };
      const k = r();
      if (k < 0.7) params.perMinute = amount(r);
      if (k > 0.4) params.amount = amount(r);
      rules.push({
        name: `surcharge ${f}`,
        conditions: { all: [{ fact: 'features', operator: 'contains', value: f }] },
        event: { type: 'surcharge', params },
      });
    }
  const source: RuleSetSource = {
    files: { ruleset: 'r.json', destinations: 'd.json', rates: 'x.json', calendar: 'c.json' },
    ruleset: {
      name: `random-${id}`,
      version: '1',
      effectiveFrom: '2020-01-01T00:00:00Z',
      currency: 'EUR',
      defaultTimeZone: 'Europe/Stockholm',
      rounding: { method: pick(r, METHODS), decimals: r() < 0.6 ? 2 : int(r, 0, 10) },
      rules,
    },
    destinations: { prefixes: { '+46': 'SE', '+49': 'EU', '+33': 'EU', '+1': 'WORLD' } },
    rates: { rateCards: cards },
    calendar: {
      weekendDays: [6, 7],
      peak: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
      holidays: ['2025-12-25'],
    },
    hash: `h${id}`,
  };
  return new CompiledRuleSet(source);
}

const NUMBERS = ['+46812345', '+4930123', '+33123456', '+12125550100', '+999123'];

/** A call and its customer, for a rule set. */
export function randomCall(r: Rnd, i: number): { cdr: Cdr; ctx: PricingContext } {
  const start = Date.parse('2025-01-01T00:00:00Z') + int(r, 0, 365 * 86_400) * 1000;
  const x = r();
  const durationSeconds =
    x < 0.05 ? 0 : x < 0.5 ? int(r, 1, 300) : x < 0.95 ? int(r, 1, 3600) : int(r, 1, 20000);
  const accessType = pick(r, ACCESS_TYPES);
  const features: Feature[] = FEATURES.filter(() => r() < 0.25);
  const ctx: PricingContext = { customerAccount: 'C' };
  if (r() < 0.3) ctx.timeZone = pick(r, ['America/New_York', 'Asia/Kolkata', 'Europe/London']);
  if (r() < 0.5) {
    ctx.contract = { id: 'K', pricePlan: r() < 0.5 ? 'p' : undefined };
    if (r() < 0.3)
      ctx.contract.discountPercent = r() < 0.9 ? percent(r) : pick(r, ['-5', '150', '12.3456789']);
    if (r() < 0.3)
      ctx.contract.specialPrices = [
        { accessType, zone: r() < 0.5 ? pick(r, ZONES) : undefined, ratePerMinute: amount(r) },
      ];
  }
  const cdr: Cdr = {
    bridgeId: 'b',
    recordId: String(i),
    conferenceId: 'conf',
    customerAccount: 'C',
    accessType,
    calledNumber: pick(r, NUMBERS),
    callerNumber: pick(r, NUMBERS),
    startTime: new Date(start),
    answerTime: new Date(start),
    endTime: new Date(start + durationSeconds * 1000),
    durationSeconds,
    features,
  };
  return { cdr, ctx };
}

/**
 * The exact decimal reference for one call: the same prepared facts, every rule's whole condition
 * tested on them (not the rule set's pre-evaluated conditions or cached decisions, which the fast
 * path uses and this checks), priced in decimal.js.
 */
export function rateByReference(set: CompiledRuleSet, cdr: Cdr, ctx: PricingContext): RatingOutcome {
  const prep = set.prepare(cdr, ctx);
  if (typeof prep === 'string') return { rated: false, reason: prep };
  const facts = prep.facts as unknown as Record<string, unknown>;
  const fired = set.rules.flatMap((rule, i) => (rule.predicate(facts) ? [i] : []));
  return priceCallDecimal(set, cdr, prep, fired);
}

/** What must be equal to the last decimal: the amount or reason, the rules, the parts and the explanation. */
export function resultText(o: RatingOutcome): string {
  if (!o.rated) return JSON.stringify(['not rated', o.reason]);
  return JSON.stringify([
    o.amount,
    o.currency,
    o.ruleSetHash,
    o.ruleSetVersion,
    o.firedRules,
    o.parts,
    o.explanation,
  ]);
}
