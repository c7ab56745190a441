/**
 * Steps 3-11 of the defined order (see compiled-rule-set.ts) for one prepared call, with money as
 * scaled integers (./integer-money.ts): the hot path of rating.
 *
 * Why the integer amount equals the decimal reference (./price-reference.ts) to the last decimal:
 * - Every amount of a call is an exact fraction X / D, X and D safe integers (checked after every
 *   product and sum), D = rateUnit x 10^scale, x 100 x 10^p with a discount, x what 1/60 of a
 *   per-minute surcharge needs. So the integer result is the exactly rounded exact value.
 * - decimal.js keeps 40 significant digits, so the reference's intermediates may differ from the
 *   exact values, each by 5e-40 of its size at most. When the exact value is not on a rounding
 *   boundary it is at least 1 / (2 D 10^decimals) away from one; we require that distance to exceed
 *   1000x the reference's possible error (largest intermediate x D x 10^decimals < 1e36), so both
 *   round the same way. The same holds for the minimum and maximum comparisons (distance 1 / D).
 * - When the exact value is on a boundary (a tie for the half methods, a whole number of the last
 *   place for the others), the reference agrees only if none of its steps rounded: every
 *   intermediate has a finite decimal expansion of at most 40 digits. Checked there; else, and on
 *   any overflow or a negative total, the call is priced by the reference itself.
 * test/domain/rating/integer-money.property.test.ts checks the equality on random rule sets and calls.
 */
import type { Cdr } from '../cdr';
import type { Decimal } from '../money';
import { planCall, type CallPlan, type PricingSet, type RuleDecision } from './call-plan';
import { chargeParts, type ChargePart } from './charge-parts';
import type { CompiledRule } from './compiled-rule';
import { explainZero } from './explain';
import { integerRated as makeIntegerRated, type LazyBuilders } from './integer-outcome';
import {
  formatUnits,
  gcd,
  POW10,
  onBoundary,
  roundQuotient,
  SAFE,
  terminates,
  valuation,
  type Scaled,
} from './integer-money';
import type { PreparedCall } from './prepare';
import { pricePlanDecimal } from './price-reference';
import type { Explanation, RatingOutcome } from './types';

export type { PricingSet } from './call-plan';
export { isIntegerPriced, ratedQuantities } from './integer-outcome';

/** What of a compiled rule set the integer path reads besides PricingSet. */
export interface IntegerPricingSet extends PricingSet {
  /** ROUNDING_CODE of the set's method. */
  readonly roundingCode: number;
}

/** Above this, largest intermediate x D x 10^decimals, the reference's 40 digits might round differently. */
const MARGIN_LIMIT = 1e36;

const NONE = 0;
const MINIMUM = 1;
const MAXIMUM = 2;

/** Steps 3-11 for a call whose rules decided `decided` (see decideRules). */
export function priceCall(
  set: IntegerPricingSet,
  cdr: Cdr,
  prep: PreparedCall,
  decided: RuleDecision,
): RatingOutcome {
  const plan = planCall(set, cdr, prep, decided);
  if ('rated' in plan) return plan;
  if (plan.zero) return integerRated(set, formatUnits(0, set.rounding.decimals), cdr, prep, plan, NONE);
  const limit = integerPrice(set, prep, plan);
  if (limit === undefined) return pricePlanDecimal(set, cdr, prep, plan);
  return integerRated(set, scratch.amount, cdr, prep, plan, limit);
}

/** How an integer-path outcome builds its explanation and parts when first read. */
const BUILDERS: LazyBuilders<IntegerPricingSet> = { explanation: explainRated, parts: partsOf };

function integerRated(
  set: IntegerPricingSet,
  amount: string,
  cdr: Cdr,
  prep: PreparedCall,
  plan: CallPlan,
  limit: number,
): RatingOutcome {
  return makeIntegerRated(amount, set, cdr, prep, plan, limit, BUILDERS);
}

/** The explanation shows intermediate amounts as decimal.js has them (40 digits): built there. */
function explainRated(
  set: IntegerPricingSet,
  amount: string,
  cdr: Cdr,
  prep: PreparedCall,
  plan: CallPlan,
): Explanation {
  return plan.zero
    ? explainZero(set, cdr, prep, plan.decision, amount)
    : pricePlanDecimal(set, cdr, prep, plan).explanation;
}

function partsOf(prep: PreparedCall, plan: CallPlan, limit: number): ChargePart[] {
  if (plan.zero) return [];
  return chargeParts({
    pieces: plan.pieces,
    unit: plan.unit,
    card: plan.card,
    billed: plan.billed,
    minimumApplied: limit === MINIMUM ? plan.card.minimumCharge : undefined,
    capApplied: limit === MAXIMUM ? plan.card.maximumCharge : undefined,
    discountPct: discountOf(prep, plan.discountRule),
    surcharges: surchargesOf(plan).map((e) => ({ feature: e.name, fixed: e.amount, perMinute: e.perMinute })),
  });
}

type Surcharge = Extract<CompiledRule['event'], { type: 'surcharge' }>;
type Discount = { percent: Decimal; text: string; scaled: Scaled };

function discountOf(prep: PreparedCall, rule: CompiledRule | undefined): Discount | undefined {
  if (prep.contractDiscount) return prep.contractDiscount;
  return rule !== undefined && rule.event.type === 'discount' ? rule.event : undefined;
}

function surchargesOf(plan: CallPlan): Surcharge[] {
  const out: Surcharge[] = [];
  for (const r of plan.surchargeRules ?? []) if (r.event.type === 'surcharge') out.push(r.event);
  return out;
}

/** The rounded amount of the last integerPrice (one thread: no allocation per call for it). */
const scratch = { amount: '' };

/** True when x may have been rounded by double arithmetic (or is NaN). */
function unsafe(x: number): boolean {
  return !(x <= SAFE && x >= -SAFE);
}

/** Whether every value of at most `vmax` with a denominator dividing D has at most 40 digits. */
function shortEnough(vmax: number, D: number): boolean {
  return vmax * 10 ** Math.max(valuation(D, 2), valuation(D, 5)) < 1e38;
}

/**
 * Steps 7-11 in integers: sets scratch.amount and returns which limit applied, or undefined when the
 * integer path cannot prove the reference's result (then the caller asks the reference).
 */
function integerPrice(set: IntegerPricingSet, prep: PreparedCall, plan: CallPlan): number | undefined {
  // the working scale: the set's, or a contract special price's when it has more decimals
  let s = set.scale;
  let m = 1; // set-scale units -> working units
  let rm = 1; // piece units -> working units
  if (prep.special) {
    const sp = plan.rateScale;
    if (sp > s) {
      m = POW10[sp - s]!;
      s = sp;
    } else rm = POW10[s - sp]!;
  }
  if (s >= POW10.length) return undefined;
  const R = POW10[s]!;
  const unit = plan.unit;
  const billed = plan.billed;
  // 6. usage = N / (unit x R)
  let N = 0;
  let absN = 0;
  const pieces = plan.pieces;
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    const x = p.units * rm * p.billed;
    if (unsafe(x)) return undefined;
    N += x;
    absN += Math.abs(x);
    if (unsafe(absN)) return undefined;
  }
  const D1 = unit * R;
  if (unsafe(D1)) return undefined;
  // 7. connect fee, 8. minimum then maximum: T / D1
  const u = plan.card.units;
  let T = N;
  if (u.connectFee !== undefined) {
    T += u.connectFee * m * unit;
    if (unsafe(T)) return undefined;
  }
  // the largest intermediate amount of the reference, times D1 (the numerator sum is unit x usage)
  let vmax = Math.max(absN * unit, Math.abs(T));
  let limit = NONE;
  // A total equal to a limit compares equal in the reference only if it computed it exactly.
  let onLimit = false;
  if (u.minimumCharge !== undefined) {
    const min = u.minimumCharge * m * unit;
    if (unsafe(min)) return undefined;
    vmax = Math.max(vmax, Math.abs(min));
    if (T === min) onLimit = true;
    else if (T < min) {
      T = min;
      limit = MINIMUM;
    }
  }
  if (u.maximumCharge !== undefined) {
    const max = u.maximumCharge * m * unit;
    if (unsafe(max)) return undefined;
    vmax = Math.max(vmax, Math.abs(max));
    if (T === max) onLimit = true;
    else if (T > max) {
      T = max;
      limit = MAXIMUM;
    }
  }
  vmax /= D1;
  // 9. discount: T x (100 x 10^p - pct) / (D1 x 100 x 10^p)
  let D = D1;
  const discount = discountOf(prep, plan.discountRule);
  if (discount !== undefined && discount.scaled.units !== 0) {
    const pct = discount.scaled;
    if (pct.scale + 2 >= POW10.length) return undefined;
    const F = POW10[pct.scale + 2]!;
    const factor = F - pct.units;
    if (unsafe(F + Math.abs(pct.units)) || unsafe(Math.abs(T) * (F + Math.abs(pct.units)))) return undefined;
    T *= factor;
    D *= F;
    if (unsafe(D)) return undefined;
    vmax *= 1 + Math.abs(pct.units) / POW10[pct.scale]!; // the reference's total x percent
  }
  // 10. surcharges: amount / R + perMinute x billed / (60 R)
  let perMinuteTerminates = true;
  if (plan.surchargeRules !== undefined) {
    for (const r of plan.surchargeRules) {
      const e = r.event;
      if (e.type !== 'surcharge') continue;
      const a = e.amountUnits * m;
      const pm = e.perMinuteUnits * m;
      if (unsafe(a) || unsafe(pm)) return undefined;
      if (pm !== 0 && D % (60 * R) !== 0) {
        const k = (60 * R) / gcd(D, 60 * R);
        T *= k;
        D *= k;
        if (unsafe(T) || unsafe(D)) return undefined;
      }
      const perR = D / R;
      const add = a * perR;
      if (unsafe(add)) return undefined;
      T += add;
      if (unsafe(T)) return undefined;
      if (pm !== 0) {
        const pmBilled = pm * billed;
        const add2 = pmBilled * (D / (60 * R));
        if (unsafe(pmBilled) || unsafe(add2)) return undefined;
        T += add2;
        if (unsafe(T)) return undefined;
        if (pmBilled % 3 !== 0) perMinuteTerminates = false;
      }
      vmax += (Math.abs(a) + Math.abs(pm) * billed) / R;
    }
  }
  vmax = Math.max(vmax, Math.abs(T) / D);
  if (T < 0) return undefined; // the reference's "-0.00" and rounding towards/away from zero
  // 11. rounding, once: T x 10^decimals / D
  const decimals = set.rounding.decimals;
  if (!(vmax * D * POW10[decimals]! < MARGIN_LIMIT)) return undefined;
  const g = gcd(POW10[decimals]!, D);
  const num = T * (POW10[decimals]! / g);
  const den = D / g;
  if (unsafe(num)) return undefined;
  const r = num % den;
  const q = (num - r) / den;
  if (onBoundary(r, den, set.roundingCode)) {
    // Did every step of the reference compute exactly? Finite expansions, and at most 40 digits:
    // an intermediate's denominator divides D, so it has at most max(v2(D), v5(D)) decimals.
    if (!perMinuteTerminates || (limit === NONE && !terminates(N, unit)) || !shortEnough(vmax, D))
      return undefined;
  }
  if (onLimit && !(terminates(N, unit) && shortEnough(vmax, D))) return undefined;
  const rounded = roundQuotient(q, r, den, set.roundingCode);
  scratch.amount = formatUnits(rounded, decimals);
  return limit;
}
