/**
 * Steps 7-11 of the defined order in decimal.js: the exact decimal reference the integer path
 * (price.ts) is proved equal to (test/domain/rating/integer-money.property.test.ts, and 1M calls in
 * `npm run bench:rating`). This is the pricing code as it was before the integer path, unchanged;
 * the integer path also falls back to it where it cannot prove the same result, and builds its
 * explanations with it (they show intermediate amounts to decimal.js's 40 digits).
 */
import { type Decimal, formatAmount, ZERO } from '../money';
import type { Cdr } from '../cdr';
import { decideRules, planCall, type CallPlan, type PricingSet } from './call-plan';
import { chargeParts, type ChargePart, type PartsWorking } from './charge-parts';
import { explainPrice, explainZero } from './explain';
import type { PreparedCall } from './prepare';
import type { Explanation, RatingOutcome } from './types';

type Rated = Extract<RatingOutcome, { rated: true }>;

/** The rated outcome: amounts now, explanation and parts built on first read. */
export function ratedOutcome(
  set: PricingSet,
  amount: string,
  firedRules: string[],
  explain: () => Explanation,
  partsOf?: () => ChargePart[],
): Rated {
  let cached: Explanation | undefined;
  let cachedParts: ChargePart[] | undefined;
  return {
    rated: true,
    amount,
    currency: set.currency,
    ruleSetHash: set.hash,
    ruleSetVersion: set.version,
    firedRules,
    // Built on first read only: ingest prices millions of calls and reads few explanations.
    get explanation() {
      return (cached ??= explain());
    },
    get parts() {
      return (cachedParts ??= partsOf ? partsOf() : []);
    },
  };
}

/** Steps 3-11 in decimal.js; `fired`: indexes into set.rules, ascending (i.e. in priority order). */
export function priceCallDecimal(
  set: PricingSet,
  cdr: Cdr,
  prep: PreparedCall,
  fired: number[],
): RatingOutcome {
  const plan = planCall(set, cdr, prep, decideRules(set.rules, fired));
  return 'rated' in plan ? plan : pricePlanDecimal(set, cdr, prep, plan);
}

/** Steps 7-11 of a planned call in decimal.js. */
export function pricePlanDecimal(set: PricingSet, cdr: Cdr, prep: PreparedCall, plan: CallPlan): Rated {
  const { decision, discountRule, surchargeRules, firedRules, card, billed, segments, pieces, unit } = plan;
  const decimals = set.rounding.decimals;
  if (plan.zero) {
    const amount = formatAmount(ZERO, decimals);
    return ratedOutcome(set, amount, firedRules, () => explainZero(set, cdr, prep, decision, amount));
  }
  let numerator = ZERO;
  for (const p of pieces) numerator = numerator.plus(p.rate.times(p.billed));
  const usage = numerator.div(unit);
  // 7. connect fee
  let total = card.connectFee ? usage.plus(card.connectFee) : usage;
  const beforeLimits = total;
  // 8. minimum, then maximum
  let minimumApplied: Decimal | undefined;
  let capApplied: Decimal | undefined;
  if (card.minimumCharge && total.lessThan(card.minimumCharge)) total = minimumApplied = card.minimumCharge;
  if (card.maximumCharge && total.greaterThan(card.maximumCharge)) total = capApplied = card.maximumCharge;
  // 9. discount
  const beforeDiscount = total;
  let discountPct: { percent: Decimal; text: string; by: string } | undefined;
  if (prep.contractDiscount)
    discountPct = { ...prep.contractDiscount, by: `contract ${prep.facts.contractId}` };
  else if (discountRule && discountRule.event.type === 'discount')
    discountPct = {
      percent: discountRule.event.percent,
      text: discountRule.event.text,
      by: `rule ${discountRule.name}`,
    };
  let discountAmount: Decimal | undefined;
  if (discountPct && !discountPct.percent.isZero()) {
    discountAmount = total.times(discountPct.percent).div(100);
    total = total.minus(discountAmount);
  }
  // 10. surcharges
  const surcharges: { feature: string; amount: Decimal; rule: string }[] = [];
  const surchargeParts: PartsWorking['surcharges'] = [];
  for (const r of surchargeRules ?? []) {
    const e = r.event;
    if (e.type !== 'surcharge') continue;
    let a = e.amount ?? ZERO;
    if (e.perMinute) a = a.plus(e.perMinute.times(billed).div(60));
    surcharges.push({ feature: e.name, amount: a, rule: r.name });
    surchargeParts.push({ feature: e.name, fixed: e.amount, perMinute: e.perMinute });
    total = total.plus(a);
  }
  // 11. rounding, once
  const amount = total.toFixed(decimals, set.roundingMode); // rounds with the set's method, plain notation
  return ratedOutcome(
    set,
    amount,
    firedRules,
    () =>
      explainPrice(set, {
        cdr,
        prep,
        decision,
        card,
        billed,
        segments,
        pieces,
        unit,
        usage,
        beforeLimits,
        minimumApplied,
        capApplied,
        beforeDiscount,
        discountPct,
        discountAmount,
        surcharges,
        total,
        amount,
      }),
    () =>
      chargeParts({
        pieces,
        unit,
        card,
        billed,
        minimumApplied,
        capApplied,
        discountPct,
        surcharges: surchargeParts,
      }),
  );
}
