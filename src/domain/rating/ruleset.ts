/**
 * A rule set compiled for pricing, and THE ONE PLACE where the order of combination is defined
 * (docs/rules.md repeats it for finance):
 *
 *  1. The rule set in force at the call's start time prices it (RuleBook.ruleSetAt).
 *  2. Zone: longest prefix of the number named by `zoneBy` for the access type (destinations.json).
 *  3. Rules are evaluated on the facts. Of the fired `rate` and `reject` rules, the one with the highest
 *     priority decides (same priority: the first in the file; `rules check` refuses such overlaps).
 *     A `reject` means the call is not rated. No `rate` or `reject` fired: not rated ("no rate for ...").
 *  4. A contract special price for the access type and zone (exact zone before zone-less) replaces every
 *     rate of the chosen rate card; increments, connect fee, minimum and maximum stay the card's.
 *  5. Billed seconds: the whole call, first increment then next increments, rounded up.
 *  6. The billed seconds are split at time-band boundaries in the customer's time zone (increment
 *     round-up goes to the last part) and at the card's rate slots ("rate after N seconds"); each part
 *     costs billedSeconds x rate / rateUnit.
 *  7. + connect fee.  8. Minimum, then maximum per call, on usage + connect fee.
 *  9. Discount: the contract's discountPercent; without one, the highest-priority fired `discount` rule.
 * 10. + surcharges of every fired `surcharge` rule (one per name, highest priority), not discounted.
 * 11. Rounded once, with the rule set's method and decimals.
 * A call with 0 billable seconds costs 0 (no connect fee, minimum or surcharge).
 */
import { type Decimal, parseAmount, formatAmount, ZERO } from '../money.js';
import DecimalJs from 'decimal.js';
import type { Cdr } from '../cdr.js';
import { ACCESS_TYPES } from '../cdr.js';
import { compileCondition, type Predicate } from './compile.js';
import {
  bandAt,
  compileCalendar,
  splitIntoBands,
  TimeZoneOffsets,
  type CompiledCalendar,
  type BandSegment,
} from './calendar.js';
import { PrefixTable } from './prefixes.js';
import type { Facts } from './facts.js';
import { PERIOD_PRICING_FALLBACK_PLAN } from './types.js';
import type {
  Band,
  ConditionJson,
  Explanation,
  PeriodPricingRules,
  PricingContext,
  RateCardJson,
  RateKey,
  RatingOutcome,
  RoundingMethod,
  RuleJson,
  RuleSetSource,
} from './types.js';

const DAY_MS = 86_400_000;

export const ROUNDING_MODES: Record<RoundingMethod, DecimalJs.Rounding> = {
  half_up: DecimalJs.ROUND_HALF_UP,
  half_even: DecimalJs.ROUND_HALF_EVEN,
  half_down: DecimalJs.ROUND_HALF_DOWN,
  up: DecimalJs.ROUND_UP,
  down: DecimalJs.ROUND_DOWN,
  ceiling: DecimalJs.ROUND_CEIL,
  floor: DecimalJs.ROUND_FLOOR,
};

/** Band -> rate key fallbacks: a card without `holiday` rates uses its `weekend`, then `offpeak`, then `any`. */
export const RATE_KEY_FALLBACK: Record<Band, RateKey[]> = {
  peak: ['peak', 'any'],
  offpeak: ['offpeak', 'any'],
  weekend: ['weekend', 'offpeak', 'any'],
  holiday: ['holiday', 'weekend', 'offpeak', 'any'],
};

interface Slot {
  from: number;
  rate: Decimal;
  text: string;
}

export interface CompiledRateCard {
  name: string;
  rateUnit: number;
  firstIncrement: number;
  nextIncrement: number;
  connectFee?: Decimal;
  minimumCharge?: Decimal;
  maximumCharge?: Decimal;
  /** The amounts as written in the file, for explanations. */
  texts: { connectFee?: string; minimumCharge?: string; maximumCharge?: string };
  /** Slots per band, fallbacks resolved; undefined when the card has no rate for the band. */
  byBand: Record<Band, Slot[] | undefined>;
}

type CompiledEvent =
  | { type: 'rate'; card: CompiledRateCard; rateCard: string }
  | { type: 'reject'; reason: string }
  | { type: 'discount'; percent: Decimal; text: string; label?: string }
  | { type: 'surcharge'; name: string; amount?: Decimal; perMinute?: Decimal };

export interface CompiledRule {
  name: string;
  priority: number;
  index: number;
  predicate: Predicate;
  event: CompiledEvent;
  json: RuleJson;
}

/** What the rules see of one call, and what pricing needs besides the fired rules. */
export interface PreparedCall {
  facts: Facts;
  tz: TimeZoneOffsets;
  windowStartMs: number;
  zone?: string;
  matchedPrefix?: string;
  special?: { ratePerMinute: Decimal; text: string; zone?: string };
  contractDiscount?: { percent: Decimal; text: string };
}

export function compileRateCard(name: string, j: RateCardJson): CompiledRateCard {
  const slots = (key: RateKey): Slot[] | undefined =>
    j.rates[key]
      ?.map((s) => ({ from: s.fromSecond, rate: parseAmount(s.rate), text: s.rate }))
      .sort((a, b) => a.from - b.from);
  const byKey: Partial<Record<RateKey, Slot[]>> = {};
  for (const k of ['peak', 'offpeak', 'weekend', 'holiday', 'any'] as RateKey[]) {
    const s = slots(k);
    if (s) byKey[k] = s;
  }
  const resolve = (b: Band) => RATE_KEY_FALLBACK[b].map((k) => byKey[k]).find((x) => x !== undefined);
  return {
    name,
    rateUnit: j.rateUnit,
    firstIncrement: j.firstIncrement,
    nextIncrement: j.nextIncrement,
    connectFee: j.connectFee !== undefined ? parseAmount(j.connectFee) : undefined,
    minimumCharge: j.minimumCharge !== undefined ? parseAmount(j.minimumCharge) : undefined,
    maximumCharge: j.maximumCharge !== undefined ? parseAmount(j.maximumCharge) : undefined,
    texts: { connectFee: j.connectFee, minimumCharge: j.minimumCharge, maximumCharge: j.maximumCharge },
    byBand: {
      peak: resolve('peak'),
      offpeak: resolve('offpeak'),
      weekend: resolve('weekend'),
      holiday: resolve('holiday'),
    },
  };
}

/**
 * The values a fact must have for the condition to hold, when its top level says so ("all" with an
 * `equal` or `in` on the fact); undefined when the condition does not restrict the fact that way.
 */
function requiredValues(c: ConditionJson, fact: string): unknown[] | undefined {
  if ('all' in c) {
    for (const s of c.all) {
      const r = requiredValues(s, fact);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if ('fact' in c && c.fact === fact) {
    if (c.operator === 'equal') return [c.value];
    if (c.operator === 'in' && Array.isArray(c.value)) return c.value;
  }
  return undefined;
}

/** Billed seconds for `d` actual seconds: the first increment in full, then whole next increments. */
export function billedSeconds(d: number, first: number, next: number): number {
  if (d <= 0) return 0;
  if (d <= first) return first;
  return first + Math.ceil((d - first) / next) * next;
}

/** Which `periodPricing.plans` entry applies to a price plan: `plan` is the matching key (the plan or "*"). */
export interface PeriodPricingMatch {
  plan: string;
  rules: PeriodPricingRules;
}

/** The period pricing of the rule set in force at an instant (RuleBook.periodPricingAt). */
export interface PeriodPricingInForce extends PeriodPricingMatch {
  ruleSetHash: string;
  ruleSetName: string;
  ruleSetVersion: string;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

interface Piece {
  band: Band;
  from: number; // slot start, for naming
  multiSlot: boolean;
  seconds: number;
  billed: number;
  rate: Decimal;
  rateText: string;
}

export class CompiledRuleSet {
  readonly name: string;
  readonly version: string;
  readonly hash: string;
  readonly effectiveFrom: Date;
  readonly currency: string;
  readonly defaultTimeZone: string;
  readonly rounding: { method: RoundingMethod; decimals: number };
  readonly rules: CompiledRule[]; // sorted: priority desc, then file order
  readonly rateCards: Map<string, CompiledRateCard>;
  readonly prefixes: PrefixTable;
  readonly calendar: CompiledCalendar;
  readonly source: RuleSetSource;
  private readonly zoneBy: Partial<Record<string, 'calledNumber' | 'callerNumber'>>;
  private readonly roundingMode: DecimalJs.Rounding;
  private readonly byAccessType = new Map<string, number[]>();
  /** periodPricing.plans, as deep-frozen copies of the file's entries. */
  private readonly periodPlans = new Map<string, PeriodPricingRules>();

  /** Compiles a rule set that passed validateRuleSet; throws on one that did not. */
  constructor(src: RuleSetSource) {
    const r = src.ruleset;
    this.source = src;
    this.name = r.name;
    this.version = r.version;
    this.hash = src.hash;
    this.effectiveFrom = new Date(r.effectiveFrom);
    this.currency = r.currency;
    this.defaultTimeZone = r.defaultTimeZone;
    this.rounding = r.rounding;
    this.roundingMode = ROUNDING_MODES[r.rounding.method];
    this.zoneBy = r.zoneBy ?? { dial_out: 'calledNumber', toll_free_dial_in: 'callerNumber' };
    this.prefixes = new PrefixTable(src.destinations.prefixes);
    this.calendar = compileCalendar(src.calendar);
    this.rateCards = new Map(Object.entries(src.rates.rateCards).map(([n, c]) => [n, compileRateCard(n, c)]));
    this.rules = r.rules
      .map((rule, index): CompiledRule => ({
        name: rule.name,
        priority: rule.priority ?? 1,
        index,
        predicate: compileCondition(rule.conditions),
        event: this.compileEvent(rule),
        json: rule,
      }))
      .sort((a, b) => b.priority - a.priority || a.index - b.index);
    for (const at of ACCESS_TYPES) {
      const list: number[] = [];
      this.rules.forEach((rule, i) => {
        const req = requiredValues(rule.json.conditions, 'accessType');
        if (req === undefined || req.includes(at)) list.push(i);
      });
      this.byAccessType.set(at, list);
    }
    for (const [plan, rules] of Object.entries(r.periodPricing?.plans ?? {}))
      this.periodPlans.set(plan, deepFreeze(structuredClone(rules)));
  }

  /**
   * The `periodPricing` entry for a contract price plan: the plan's own entry, else "*", else undefined
   * (no plan or an empty plan "" also falls back to "*"). `rules` is a fresh copy the caller may change.
   */
  periodPricingMatch(plan: string | undefined): PeriodPricingMatch | undefined {
    const key =
      plan !== undefined && plan !== '' && this.periodPlans.has(plan) ? plan : PERIOD_PRICING_FALLBACK_PLAN;
    const rules = this.periodPlans.get(key);
    return rules === undefined
      ? undefined
      : { plan: key, rules: structuredClone(rules) as PeriodPricingRules };
  }

  /** The period pricing for a contract price plan (exact plan, else "*", else undefined); a fresh copy. */
  periodPricingFor(plan: string | undefined): PeriodPricingRules | undefined {
    return this.periodPricingMatch(plan)?.rules;
  }

  private compileEvent(rule: RuleJson): CompiledEvent {
    const e = rule.event;
    switch (e.type) {
      case 'rate': {
        const card = this.rateCards.get(e.params.rateCard);
        if (!card) throw new Error(`rule ${rule.name}: unknown rate card ${e.params.rateCard}`);
        return { type: 'rate', card, rateCard: e.params.rateCard };
      }
      case 'reject':
        return { type: 'reject', reason: e.params.reason };
      case 'discount':
        return {
          type: 'discount',
          percent: parseAmount(e.params.percent),
          text: e.params.percent,
          label: e.params.label,
        };
      case 'surcharge':
        return {
          type: 'surcharge',
          name: e.params.name,
          amount: e.params.amount !== undefined ? parseAmount(e.params.amount) : undefined,
          perMinute: e.params.perMinute !== undefined ? parseAmount(e.params.perMinute) : undefined,
        };
    }
  }

  /** The json-rules-engine rules, as in the file (for the reference engine). */
  engineRules(): RuleJson[] {
    return this.source.ruleset.rules;
  }

  /** Facts and context for one call; a string is the reason the call cannot be rated. */
  prepare(cdr: Cdr, ctx: PricingContext): PreparedCall | string {
    const startMs = cdr.startTime instanceof Date ? cdr.startTime.getTime() : NaN;
    if (!Number.isFinite(startMs)) return 'invalid start time';
    const d = cdr.durationSeconds;
    if (!Number.isInteger(d) || d < 0)
      return `invalid duration ${String(d)}: must be a whole number of seconds >= 0`;
    if (!(ACCESS_TYPES as readonly string[]).includes(cdr.accessType))
      return `unknown access type ${String(cdr.accessType)}`;
    const tzName = ctx.timeZone || this.defaultTimeZone;
    const tz = TimeZoneOffsets.get(tzName);
    if (!tz) return `unknown time zone ${tzName}`;

    let zone: string | undefined;
    let matchedPrefix: string | undefined;
    const by = this.zoneBy[cdr.accessType];
    if (by) {
      const hit = this.prefixes.lookup(cdr[by]);
      if (hit) {
        zone = hit.zone;
        matchedPrefix = hit.prefix;
      }
    }
    const off = tz.offsetMs(startMs);
    const local = startMs + off;
    const dayNum = Math.floor(local / DAY_MS);
    const startHour = Math.floor((local - dayNum * DAY_MS) / 3_600_000);
    const contract = ctx.contract;
    const facts: Facts = {
      accessType: cdr.accessType,
      zone: zone ?? '',
      matchedPrefix: matchedPrefix ?? '',
      customerAccount: ctx.customerAccount || cdr.customerAccount,
      contractId: contract?.id ?? '',
      pricePlan: contract?.pricePlan ?? '',
      features: cdr.features ?? [],
      durationSeconds: d,
      startHour,
      startWeekday: ((((dayNum + 3) % 7) + 7) % 7) + 1,
      startBand: bandAt(this.calendar, local).band,
      calledNumber: cdr.calledNumber ?? '',
      callerNumber: cdr.callerNumber ?? '',
      conferenceId: cdr.conferenceId,
      bridgeId: cdr.bridgeId,
      hasBooking: cdr.bookingId !== undefined && cdr.bookingId !== '',
    };
    const prep: PreparedCall = { facts, tz, windowStartMs: startMs, zone, matchedPrefix };
    const endMs = cdr.endTime instanceof Date ? cdr.endTime.getTime() : NaN;
    const ans = cdr.answerTime instanceof Date ? cdr.answerTime.getTime() : NaN;
    if (Number.isFinite(ans)) prep.windowStartMs = ans;
    else if (Number.isFinite(endMs)) prep.windowStartMs = endMs - d * 1000;
    if (contract) {
      try {
        if (contract.specialPrices?.length) {
          let best: { ratePerMinute: string; zone?: string } | undefined;
          for (const sp of contract.specialPrices) {
            if (sp.accessType !== cdr.accessType) continue;
            if (sp.zone === undefined || sp.zone === '') best ??= sp;
            else if (sp.zone === zone) {
              best = sp;
              break;
            }
          }
          if (best)
            prep.special = {
              ratePerMinute: parseAmount(best.ratePerMinute),
              text: best.ratePerMinute,
              zone: best.zone,
            };
        }
        if (contract.discountPercent !== undefined && contract.discountPercent !== '') {
          prep.contractDiscount = {
            percent: parseAmount(contract.discountPercent),
            text: contract.discountPercent,
          };
        }
      } catch (e) {
        return `contract ${contract.id}: ${(e as Error).message}`;
      }
    }
    return prep;
  }

  /** Indexes (into this.rules, i.e. in priority order) of the rules whose conditions hold. */
  evaluate(facts: Facts): number[] {
    const out: number[] = [];
    const f = facts as unknown as Record<string, unknown>;
    const rules = this.rules;
    // only the rules that can fire for this access type (a rule whose top-level "all" requires another
    // access type cannot); the others are skipped without changing the result
    const candidates = this.byAccessType.get(facts.accessType);
    if (candidates === undefined) {
      for (let i = 0; i < rules.length; i++) if (rules[i]!.predicate(f)) out.push(i);
      return out;
    }
    for (let k = 0; k < candidates.length; k++) {
      const i = candidates[k]!;
      if (rules[i]!.predicate(f)) out.push(i);
    }
    return out;
  }

  /** Rule names -> indexes in this.rules (for the reference engine's results). */
  indexesOfNames(names: Iterable<string>): number[] {
    const set = new Set(names);
    const out: number[] = [];
    this.rules.forEach((r, i) => set.has(r.name) && out.push(i));
    return out;
  }

  /** Steps 3-11 of the defined order, given the fired rules (indexes into this.rules, ascending). */
  price(cdr: Cdr, prep: PreparedCall, fired: number[]): RatingOutcome {
    let decision: CompiledRule | undefined;
    let discountRule: CompiledRule | undefined;
    let surchargeRules: CompiledRule[] | undefined;
    for (const i of fired) {
      const r = this.rules[i]!;
      const t = r.event.type;
      if (t === 'rate' || t === 'reject') decision ??= r;
      else if (t === 'discount') discountRule ??= r;
      else {
        surchargeRules ??= [];
        if (
          !surchargeRules.some(
            (s) => (s.event as { name: string }).name === (r.event as { name: string }).name,
          )
        )
          surchargeRules.push(r);
      }
    }
    const firedRules = fired.map((i) => this.rules[i]!.name);
    const at = prep.zone !== undefined ? ` zone ${prep.zone}` : '';
    if (!decision)
      return { rated: false, reason: `no rate for access type ${cdr.accessType}${at || ' (no zone)'}` };
    const ev = decision.event;
    if (ev.type === 'reject')
      return { rated: false, reason: `rejected by rule ${decision.name}: ${ev.reason}` };
    if (ev.type !== 'rate') return { rated: false, reason: 'internal: decision is not a rate' };
    const card = ev.card;
    const d = prep.facts.durationSeconds;
    const mode = this.roundingMode;
    const decimals = this.rounding.decimals;

    if (d === 0) {
      const amount = formatAmount(ZERO, decimals);
      const self = this;
      let cached: Explanation | undefined;
      return {
        rated: true,
        amount,
        currency: this.currency,
        ruleSetHash: this.hash,
        ruleSetVersion: this.version,
        firedRules,
        get explanation() {
          return (cached ??= self.explainZero(cdr, prep, decision, amount));
        },
      };
    }

    // 5. billed seconds over the whole call
    const billed = billedSeconds(d, card.firstIncrement, card.nextIncrement);
    // 6. band split, then rate slots
    const segments = splitIntoBands(this.calendar, prep.tz, prep.windowStartMs, d);
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
    let surcharges: { feature: string; amount: Decimal; rule: string }[] | undefined;
    if (surchargeRules) {
      surcharges = [];
      for (const r of surchargeRules) {
        const e = r.event;
        if (e.type !== 'surcharge') continue;
        let a = e.amount ?? ZERO;
        if (e.perMinute) a = a.plus(e.perMinute.times(billed).div(60));
        surcharges.push({ feature: e.name, amount: a, rule: r.name });
        total = total.plus(a);
      }
    }
    // 11. rounding, once
    const amount = total.toFixed(decimals, mode); // rounds with the set's method, plain notation
    const self = this;
    let cached: Explanation | undefined;
    return {
      rated: true,
      amount,
      currency: this.currency,
      ruleSetHash: this.hash,
      ruleSetVersion: this.version,
      firedRules,
      get explanation() {
        return (cached ??= self.explain({
          cdr,
          prep,
          decision: decision,
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
          surcharges: surcharges ?? [],
          total,
          amount,
        }));
      },
    };
  }

  private roundingText(): string {
    return `${this.rounding.method} to ${this.rounding.decimals} decimals`;
  }

  private explainZero(cdr: Cdr, prep: PreparedCall, decision: CompiledRule, amount: string): Explanation {
    const text = 'Not answered or 0 billable seconds: no charge (no connect fee, minimum or surcharge).';
    return {
      zone: prep.zone,
      matchedPrefix: prep.matchedPrefix,
      bands: [],
      surcharges: [],
      rounding: this.roundingText(),
      unrounded: '0',
      steps: [{ text: this.headline(cdr, prep, decision) }, { text, amount }],
      summary: `${cdr.accessType}${prep.zone ? ' ' + prep.zone : ''}, 0 s: ${amount} ${this.currency}`,
    };
  }

  private headline(cdr: Cdr, prep: PreparedCall, decision: CompiledRule): string {
    const where = prep.zone !== undefined ? `, zone ${prep.zone} by prefix ${prep.matchedPrefix}` : '';
    const card = decision.event.type === 'rate' ? decision.event.rateCard : '?';
    return `Rule set ${this.name} version ${this.version}: ${cdr.accessType}${where}; rate card ${card} chosen by rule "${decision.name}" (priority ${decision.priority})`;
  }

  private explain(x: {
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
  }): Explanation {
    const show = (v: Decimal) => formatAmount(v.toDecimalPlaces(6, this.roundingMode));
    const cur = this.currency;
    const d = x.prep.facts.durationSeconds;
    const steps: { text: string; amount?: string }[] = [{ text: this.headline(x.cdr, x.prep, x.decision) }];
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
    steps.push({ text: `Rounded ${this.roundingText()} from ${formatAmount(x.total)}`, amount: x.amount });
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
      rounding: this.roundingText(),
      unrounded: formatAmount(x.total.toDecimalPlaces(10, this.roundingMode)),
      steps,
      summary: `${x.cdr.accessType}${x.prep.zone ? ' to zone ' + x.prep.zone : ''}, ${bandSummary} (billed ${x.billed} s) on card ${x.card.name}: ${x.amount} ${cur}`,
    };
  }

  /** Prices a call with the compiled rules (the fast path). */
  rate(cdr: Cdr, ctx: PricingContext): RatingOutcome {
    const prep = this.prepare(cdr, ctx);
    if (typeof prep === 'string') return { rated: false, reason: prep };
    return this.price(cdr, prep, this.evaluate(prep.facts));
  }
}

/** All loaded rule sets; the one in force at a call's start time prices it. */
export class RuleBook {
  /** Sorted by effectiveFrom, ascending. */
  readonly sets: readonly CompiledRuleSet[];
  private readonly starts: number[];

  constructor(sets: CompiledRuleSet[]) {
    this.sets = [...sets].sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
    this.starts = this.sets.map((s) => s.effectiveFrom.getTime());
  }

  ruleSetAt(time: Date): CompiledRuleSet | undefined {
    const t = time.getTime();
    const starts = this.starts;
    if (starts.length === 0 || !(t >= starts[0]!)) return undefined;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.sets[lo];
  }

  rate(cdr: Cdr, ctx: PricingContext): RatingOutcome {
    try {
      const set = cdr.startTime instanceof Date ? this.ruleSetAt(cdr.startTime) : undefined;
      if (!set)
        return {
          rated: false,
          reason: `no rule set in force at ${cdr.startTime instanceof Date && !isNaN(cdr.startTime.getTime()) ? cdr.startTime.toISOString() : 'an invalid start time'}`,
        };
      return set.rate(cdr, ctx);
    } catch (e) {
      return { rated: false, reason: `internal rating error: ${(e as Error).message}` };
    }
  }

  /**
   * The period pricing for a contract price plan from the rule set in force at `instant` (for a billing
   * period: its START), with the set that supplied it and the plan key that matched (the plan or "*").
   * Undefined when no set is in force or it has no entry for the plan and no "*". `rules` is a fresh copy.
   */
  periodPricingAt(instant: Date, plan: string | undefined): PeriodPricingInForce | undefined {
    const set = this.ruleSetAt(instant);
    const match = set?.periodPricingMatch(plan);
    if (!set || !match) return undefined;
    return {
      rules: match.rules,
      ruleSetHash: set.hash,
      ruleSetName: set.name,
      ruleSetVersion: set.version,
      plan: match.plan,
    };
  }

  /** The hashes of all loaded sets (to keep every set that priced a charge). */
  hashes(): string[] {
    return this.sets.map((s) => s.hash);
  }
}
