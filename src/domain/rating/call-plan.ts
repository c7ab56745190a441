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
  surchargeRules?: readonly CompiledRule[] | undefined;
  /** Shared and frozen (RuleDecision.firedRules). */
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

/**
 * The fired rules that count: the deciding rate or reject, the discount, one surcharge per name.
 * Shared by every call that fires the same rules (see CompiledRuleSet.decide), so frozen.
 */
export interface RuleDecision {
  /** Indexes into the set's rules, ascending (i.e. in priority order). */
  readonly fired: readonly number[];
  /** The names of the fired rules, in that order (a frozen array: outcomes share it). */
  readonly firedRules: string[];
  readonly decision: CompiledRule | undefined;
  readonly discountRule: CompiledRule | undefined;
  readonly surchargeRules: readonly CompiledRule[] | undefined;
}

/** `fired`: indexes into `rules`, ascending (i.e. in priority order). */
export function decideRules(rules: readonly CompiledRule[], fired: readonly number[]): RuleDecision {
  let decision: CompiledRule | undefined;
  let discountRule: CompiledRule | undefined;
  let surchargeRules: CompiledRule[] | undefined;
  const firedRules: string[] = [];
  for (const i of fired) {
    const r = rules[i]!;
    firedRules.push(r.name);
    const e = r.event;
    if (e.type === 'rate' || e.type === 'reject') decision ??= r;
    else if (e.type === 'discount') discountRule ??= r;
    else {
      surchargeRules ??= [];
      if (!surchargeRules.some((s) => s.event.type === 'surcharge' && s.event.name === e.name))
        surchargeRules.push(r);
    }
  }
  return Object.freeze({
    fired: Object.freeze([...fired]),
    firedRules: Object.freeze(firedRules) as string[],
    decision,
    discountRule,
    surchargeRules: surchargeRules && Object.freeze(surchargeRules),
  });
}

/** The plan of a call whose rules decided `decided`: a not-rated outcome, or the plan. */
export function planCall(
  set: PricingSet,
  cdr: Cdr,
  prep: PreparedCall,
  decided: RuleDecision,
): CallPlan | Extract<RatingOutcome, { rated: false }> {
  const { decision, discountRule, surchargeRules, firedRules } = decided;
  if (!decision) {
    const at = prep.zone !== undefined ? ` zone ${prep.zone}` : ' (no zone)';
    return { rated: false, reason: `no rate for access type ${cdr.accessType}${at}` };
  }
  const ev = decision.event;
  if (ev.type === 'reject')
    return { rated: false, reason: `rejected by rule ${decision.name}: ${ev.reason}` };
  if (ev.type !== 'rate') return { rated: false, reason: 'internal: decision is not a rate' };
  const card = ev.card;
  const d = prep.facts.durationSeconds;
  const special = prep.special;
  const unit = special ? 60 : card.rateUnit;
  const rateScale = special ? special.scaled.scale : set.scale;
  if (d === 0)
    return {
      decision,
      discountRule,
      surchargeRules,
      firedRules,
      card,
      zero: true,
      billed: 0,
      segments: [],
      pieces: [],
      unit,
      rateScale,
    };

  // 5. billed seconds over the whole call
  const billed = billedSeconds(d, card.firstIncrement, card.nextIncrement);
  // 6. band split, then rate slots
  const segments = splitIntoBands(set.calendar, prep.tz, prep.windowStartMs, d);
  const pieces = piecesOf(card, special, segments, billed, d);
  if (typeof pieces === 'string') return { rated: false, reason: pieces };
  // one literal with every field, so that every plan has the same shape
  return {
    decision,
    discountRule,
    surchargeRules,
    firedRules,
    card,
    zero: false,
    billed,
    segments,
    pieces,
    unit,
    rateScale,
  };
}

/** The billed seconds at one rate each; a string says why the card cannot price the call. */
function piecesOf(
  card: CompiledRateCard,
  special: PreparedCall['special'],
  segments: BandSegment[],
  billed: number,
  d: number,
): Piece[] | string {
  // the common case, one band at one rate from the first second: one piece, in an array of one
  // (pushing onto [] would allocate room for 17)
  if (segments.length === 1) {
    const seg = segments[0]!;
    const segBilled = seg.seconds + (billed - d);
    const slots = special ? undefined : card.byBand[seg.band];
    if (special || (slots !== undefined && slots.length === 1 && slots[0]!.from === 0 && segBilled > 0)) {
      const slot = slots?.[0];
      return [
        {
          band: seg.band,
          from: 0,
          multiSlot: false,
          seconds: seg.seconds,
          billed: segBilled,
          rate: special ? special.ratePerMinute : slot!.rate,
          rateText: special ? special.text : slot!.text,
          units: special ? special.scaled.units : slot!.units,
        },
      ];
    }
  }
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
        units: special.scaled.units,
      });
    } else {
      const slots = card.byBand[seg.band];
      if (!slots) return `rate card ${card.name} has no ${seg.band} rate`;
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
  return pieces;
}
