/** Steps 3-11 of the defined order (see compiled-rule-set.ts): one prepared call's price, given the fired rules. */
import { type Decimal, formatAmount, ZERO } from '../money';
import type { Cdr } from '../cdr';
import { splitIntoBands, type CompiledCalendar } from './calendar';
import type { CompiledRule } from './compiled-rule';
import { chargeParts, type ChargePart, type PartsWorking } from './charge-parts';
import { explainPrice, explainZero, type ExplainingSet, type Piece } from './explain';
import type { PreparedCall } from './prepare';
import { billedSeconds } from './rate-card';
import type { Explanation, RatingOutcome } from './types';

/** What of a compiled rule set pricing reads. */
export interface PricingSet extends ExplainingSet {
  readonly hash: string;
  /** Sorted: priority desc, then file order. */
  readonly rules: readonly CompiledRule[];
  readonly calendar: CompiledCalendar;
}

/** The fired rules that count: the deciding rate or reject, the discount, one surcharge per name. */
function chooseRules(set: PricingSet, fired: number[]) {
  let decision: CompiledRule | undefined;
  let discountRule: CompiledRule | undefined;
  let surchargeRules: CompiledRule[] | undefined;
  for (const i of fired) {
    const r = set.rules[i]!;
    const e = r.event;
    if (e.type === 'rate' || e.type === 'reject') decision ??= r;
    else if (e.type === 'discount') discountRule ??= r;
    else {
      surchargeRules ??= [];
      if (!surchargeRules.some((s) => s.event.type === 'surcharge' && s.event.name === e.name))
        surchargeRules.push(r);
    }
  }
  return { decision, discountRule, surchargeRules };
}

/** `fired`: indexes into set.rules, ascending (i.e. in priority order). */
export function priceCall(set: PricingSet, cdr: Cdr, prep: PreparedCall, fired: number[]): RatingOutcome {
  const { decision, discountRule, surchargeRules } = chooseRules(set, fired);
  const firedRules = fired.map((i) => set.rules[i]!.name);
  const at = prep.zone !== undefined ? ` zone ${prep.zone}` : '';
  if (!decision)
    return { rated: false, reason: `no rate for access type ${cdr.accessType}${at || ' (no zone)'}` };
  const ev = decision.event;
  if (ev.type === 'reject')
    return { rated: false, reason: `rejected by rule ${decision.name}: ${ev.reason}` };
  if (ev.type !== 'rate') return { rated: false, reason: 'internal: decision is not a rate' };
  const card = ev.card;
  const d = prep.facts.durationSeconds;
  const decimals = set.rounding.decimals;
  const rated = (amount: string, explain: () => Explanation, partsOf?: () => ChargePart[]): RatingOutcome => {
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
  };

  if (d === 0) {
    const amount = formatAmount(ZERO, decimals);
    return rated(amount, () => explainZero(set, cdr, prep, decision, amount));
  }

  // 5. billed seconds over the whole call
  const billed = billedSeconds(d, card.firstIncrement, card.nextIncrement);
  // 6. band split, then rate slots
  const segments = splitIntoBands(set.calendar, prep.tz, prep.windowStartMs, d);
  const special = prep.special;
  const unit = special ? 60 : card.rateUnit;
  const pieces: Piece[] = [];
  let offset = 0;
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s]!;
    const segBilled = s === segments.length - 1 ? seg.seconds + (billed - d) : seg.seconds;
    if (special) {
      pieces.push({
        band: seg.band,
        from: 0,
        multiSlot: false,
        seconds: seg.seconds,
        billed: segBilled,
        rate: special.ratePerMinute,
        rateText: special.text,
      });
    } else {
      const slots = card.byBand[seg.band];
      if (!slots) return { rated: false, reason: `rate card ${card.name} has no ${seg.band} rate` };
      const actualEnd = offset + seg.seconds;
      const billedEnd = offset + segBilled;
      for (let k = 0; k < slots.length; k++) {
        const a = slots[k]!.from;
        const b = k + 1 < slots.length ? slots[k + 1]!.from : Infinity;
        const bs = Math.max(0, Math.min(billedEnd, b) - Math.max(offset, a));
        if (bs <= 0) continue;
        const as = Math.max(0, Math.min(actualEnd, b) - Math.max(offset, a));
        pieces.push({
          band: seg.band,
          from: a,
          multiSlot: slots.length > 1,
          seconds: as,
          billed: bs,
          rate: slots[k]!.rate,
          rateText: slots[k]!.text,
        });
      }
    }
    offset += segBilled;
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
  return rated(
    amount,
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
