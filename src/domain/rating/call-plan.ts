/**
 * Steps 3-6 of the defined order (see compiled-rule-set.ts) for one prepared call: the deciding rules,
 * the billed seconds and their split into pieces at one rate each. No money is computed here: both
 * the integer path (price.ts) and the decimal reference (price-reference.ts) price the same plan.
 */
import type { Cdr } from '../cdr';
import { splitIntoBands, type BandSegment, type CompiledCalendar } from './calendar';
import type { CompiledRule } from './compiled-rule';
import type { ExplainingSet, Piece } from './explain';
import type { PreparedCall } from './prepare';
import { billedSeconds, type CompiledRateCard } from './rate-card';
import type { RatingOutcome } from './types';

/** What of a compiled rule set pricing reads. */
export interface PricingSet extends ExplainingSet {
  readonly hash: string;
  /** Sorted: priority desc, then file order. */
  readonly rules: readonly CompiledRule[];
  readonly calendar: CompiledCalendar;
  /** Decimal places of the integer units of the set's rate cards and surcharges. */
  readonly scale: number;
}

/** A call priced at a rate card (steps 3-6 done); d > 0 unless `zero`. */
export interface CallPlan {
  decision: CompiledRule;
  discountRule?: CompiledRule | undefined;
  surchargeRules?: CompiledRule[] | undefined;
  firedRules: string[];
  card: CompiledRateCard;
  /** True for a call of 0 billable seconds (costs 0; nothing below is filled in). */
  zero: boolean;
  billed: number;
  segments: BandSegment[];
  pieces: Piece[];
  /** Seconds a rate is for. */
  unit: number;
  /** Decimal places of the pieces' `units`: the contract special price's, else the set's. */
  rateScale: number;
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

/** `fired`: indexes into set.rules, ascending (i.e. in priority order). A not-rated outcome, or the plan. */
export function planCall(
  set: PricingSet,
  cdr: Cdr,
  prep: PreparedCall,
  fired: number[],
): CallPlan | Extract<RatingOutcome, { rated: false }> {
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
  const special = prep.special;
  const unit = special ? 60 : card.rateUnit;
  const plan: CallPlan = {
    decision,
    discountRule,
    surchargeRules,
    firedRules,
    card,
    zero: d === 0,
    billed: 0,
    segments: [],
    pieces: [],
    unit,
    rateScale: special ? special.scaled.scale : set.scale,
  };
  if (d === 0) return plan;

  // 5. billed seconds over the whole call
  const billed = billedSeconds(d, card.firstIncrement, card.nextIncrement);
  // 6. band split, then rate slots
  const segments = splitIntoBands(set.calendar, prep.tz, prep.windowStartMs, d);
  const pieces = plan.pieces;
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
        units: special.scaled.units,
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
          units: slots[k]!.units,
        });
      }
    }
    offset += segBilled;
  }
  plan.billed = billed;
  plan.segments = segments;
  return plan;
}
