/** The explanation of a price in words, step by step, as finance reads it (built only when asked for). */
import type DecimalJs from 'decimal.js';
import { type Decimal, formatAmount } from '../money';
import type { Cdr } from '../cdr';
import type { BandSegment } from './calendar';
import type { CompiledRule } from './compiled-rule';
import type { PreparedCall } from './prepare';
import type { CompiledRateCard } from './rate-card';
import type { Band, Explanation } from './types';

/** What of a compiled rule set an explanation names. */
export interface ExplainingSet {
  readonly name: string;
  readonly version: string;
  readonly currency: string;
  readonly rounding: { method: string; decimals: number };
  readonly roundingMode: DecimalJs.Rounding;
}

/** A part of the billed seconds at one rate: one band, one rate slot. */
export interface Piece {
  band: Band;
  from: number; // slot start, for naming
  multiSlot: boolean;
  seconds: number;
  billed: number;
  rate: Decimal;
  rateText: string;
  /** The rate as integer units at `PricePlan.rateScale` (NaN: too large for the integer path). */
  units: number;
}

/** Every intermediate amount of a priced call (steps 5-11). */
export interface PriceWorking {
  cdr: Cdr;
  prep: PreparedCall;
  decision: CompiledRule;
  card: CompiledRateCard;
  billed: number;
  segments: BandSegment[];
  pieces: Piece[];
  unit: number;
  usage: Decimal;
  beforeLimits: Decimal;
  minimumApplied?: Decimal;
  capApplied?: Decimal;
  beforeDiscount: Decimal;
  discountPct?: { percent: Decimal; text: string; by: string };
  discountAmount?: Decimal;
  surcharges: { feature: string; amount: Decimal; rule: string }[];
  total: Decimal;
  amount: string;
}

function roundingText(set: ExplainingSet): string {
  return `${set.rounding.method} to ${set.rounding.decimals} decimals`;
}

function headline(set: ExplainingSet, cdr: Cdr, prep: PreparedCall, decision: CompiledRule): string {
  const where = prep.zone !== undefined ? `, zone ${prep.zone} by prefix ${prep.matchedPrefix}` : '';
  const card = decision.event.type === 'rate' ? decision.event.rateCard : '?';
  return `Rule set ${set.name} version ${set.version}: ${cdr.accessType}${where}; rate card ${card} chosen by rule "${decision.name}" (priority ${decision.priority})`;
}

export function explainZero(
  set: ExplainingSet,
  cdr: Cdr,
  prep: PreparedCall,
  decision: CompiledRule,
  amount: string,
): Explanation {
  const text = 'Not answered or 0 billable seconds: no charge (no connect fee, minimum or surcharge).';
  return {
    zone: prep.zone,
    matchedPrefix: prep.matchedPrefix,
    bands: [],
    surcharges: [],
    rounding: roundingText(set),
    unrounded: '0',
    steps: [{ text: headline(set, cdr, prep, decision) }, { text, amount }],
    summary: `${cdr.accessType}${prep.zone ? ' ' + prep.zone : ''}, 0 s: ${amount} ${set.currency}`,
  };
}

export function explainPrice(set: ExplainingSet, x: PriceWorking): Explanation {
  const show = (v: Decimal) => formatAmount(v.toDecimalPlaces(6, set.roundingMode));
  const d = x.prep.facts.durationSeconds;
  const steps: { text: string; amount?: string }[] = [{ text: headline(set, x.cdr, x.prep, x.decision) }];
  if (x.prep.special) {
    steps.push({
      text: `Contract ${x.prep.facts.contractId} special price ${x.prep.special.text} per 60 s for ${x.cdr.accessType}${x.prep.special.zone ? ' zone ' + x.prep.special.zone : ''} replaces the list rates`,
    });
  }
  steps.push({
    text: `${d} s billed as ${x.billed} s: first increment ${x.card.firstIncrement} s, then steps of ${x.card.nextIncrement} s`,
  });
  const bands = x.pieces.map((p) => {
    const name = p.multiSlot && p.from > 0 ? `${p.band} after ${p.from} s` : p.band;
    const amount = p.rate.times(p.billed).div(x.unit);
    steps.push({
      text: `${name}: ${p.billed} s (${p.seconds} s of the call) x ${p.rateText} per ${x.unit} s`,
      amount: show(amount),
    });
    return { name, seconds: p.seconds, billedSeconds: p.billed, rate: p.rateText, amount: show(amount) };
  });
  const t = x.card.texts;
  if (x.card.connectFee) steps.push({ text: 'Connect fee', amount: t.connectFee });
  if (x.minimumApplied)
    steps.push({
      text: `Minimum charge per call applies (calculated ${show(x.beforeLimits)})`,
      amount: t.minimumCharge,
    });
  if (x.capApplied)
    steps.push({
      text: `Maximum charge per call applies (calculated ${show(x.beforeLimits)})`,
      amount: t.maximumCharge,
    });
  if (x.discountAmount && x.discountPct)
    steps.push({
      text: `Discount ${x.discountPct.text}% (${x.discountPct.by}) of ${show(x.beforeDiscount)}`,
      amount: '-' + show(x.discountAmount),
    });
  for (const s of x.surcharges)
    steps.push({ text: `Surcharge ${s.feature} (rule "${s.rule}")`, amount: show(s.amount) });
  steps.push({ text: `Rounded ${roundingText(set)} from ${formatAmount(x.total)}`, amount: x.amount });
  const bandSummary = x.segments.map((s) => `${s.seconds} s ${s.band}`).join(' + ');
  return {
    zone: x.prep.zone,
    matchedPrefix: x.prep.matchedPrefix,
    bands,
    connectFee: x.card.connectFee ? t.connectFee : undefined,
    minimumApplied: x.minimumApplied ? t.minimumCharge : undefined,
    capApplied: x.capApplied ? t.maximumCharge : undefined,
    discount: x.discountAmount ? show(x.discountAmount) : undefined,
    surcharges: x.surcharges.map((s) => ({ feature: s.feature, amount: show(s.amount) })),
    rounding: roundingText(set),
    unrounded: formatAmount(x.total.toDecimalPlaces(10, set.roundingMode)),
    steps,
    summary: `${x.cdr.accessType}${x.prep.zone ? ' to zone ' + x.prep.zone : ''}, ${bandSummary} (billed ${x.billed} s) on card ${x.card.name}: ${x.amount} ${set.currency}`,
  };
}
