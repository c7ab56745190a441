/**
 * A rule set compiled for pricing, and THE ONE PLACE where the order of combination is defined
 * (docs/rules.md repeats it for finance):
 *
 *  1. The rule set of the customer's currency in force at the call's start time prices it (RuleBook.ruleSetAt).
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
 *
 * Steps 1-2 are prepare.ts, 3 is evaluate below, 4-6 are call-plan.ts, 7-11 are price.ts (in
 * integers; price-reference.ts is the same in decimal.js).
 */
import type DecimalJs from 'decimal.js';
import type { Cdr } from '../cdr';
import { ACCESS_TYPES } from '../cdr';
import { compileCalendar, type CompiledCalendar } from './calendar';
import { compileRule, eventScale, type CompiledRule } from './compiled-rule';
import { displayNamesOf, type DisplayNames } from './display-names';
import type { Facts } from './facts';
import { prepareCall, type PreparedCall } from './prepare';
import { PrefixTable } from './prefixes';
import { priceCall } from './price';
import { ROUNDING_CODE } from './integer-money';
import { cardScale, compileRateCard, type CompiledRateCard } from './rate-card';
import { ROUNDING_MODES } from './rounding';
import { specializeRules, type SpecializedRules } from './specialize';
import { decideRules, type RuleDecision } from './call-plan';
import { PERIOD_PRICING_FALLBACK_PLAN } from './types';
import type {
  PeriodPricingRules,
  PricingContext,
  RatingOutcome,
  RoundingMethod,
  RuleJson,
  RuleSetSource,
} from './types';

/** Which `periodPricing.plans` entry applies to a price plan: `plan` is the matching key (the plan or "*"). */
export interface PeriodPricingMatch {
  plan: string;
  rules: PeriodPricingRules;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Specialised rules, and what each combination of them firing decides (keyed by bit mask). */
interface Candidates extends SpecializedRules {
  decisions: Map<number, RuleDecision>;
}

export class CompiledRuleSet {
  readonly name: string;
  readonly version: string;
  readonly hash: string;
  readonly effectiveFrom: Date;
  readonly currency: string;
  readonly defaultTimeZone: string;
  readonly rounding: { method: RoundingMethod; decimals: number };
  readonly roundingMode: DecimalJs.Rounding;
  readonly roundingCode: number;
  /** Decimal places of the integer units of every rate card and surcharge (the most any has). */
  readonly scale: number;
  readonly rules: CompiledRule[]; // sorted: priority desc, then file order
  readonly rateCards: Map<string, CompiledRateCard>;
  readonly prefixes: PrefixTable;
  readonly calendar: CompiledCalendar;
  readonly zoneBy: Partial<Record<string, 'calledNumber' | 'callerNumber'>>;
  readonly source: RuleSetSource;
  /**
   * The rules specialised per access type and zone (see specialize.ts), filled as zones are seen
   * (they come from `prefixes`, so there are few): [0] for a call with features, [1] for one
   * without (most calls, and then no feature condition is tested per call).
   */
  private readonly byAccessTypeZone = new Map<string, Map<string, [Candidates, Candidates]>>();
  /** periodPricing.plans, as deep-frozen copies of the file's entries. */
  private readonly periodPlans = new Map<string, PeriodPricingRules>();
  private readonly names: DisplayNames;

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
    this.roundingCode = ROUNDING_CODE[r.rounding.method];
    const cards = Object.entries(src.rates.rateCards);
    this.scale = Math.max(0, ...cards.map(([, c]) => cardScale(c)), ...r.rules.map(eventScale));
    this.rateCards = new Map(cards.map(([n, c]) => [n, compileRateCard(n, c, this.scale)]));
    this.rules = r.rules
      .map((rule, index) => compileRule(rule, index, this.rateCards, this.scale))
      .sort((a, b) => b.priority - a.priority || a.index - b.index);
    for (const at of ACCESS_TYPES) this.byAccessTypeZone.set(at, new Map());
    for (const [plan, rules] of Object.entries(r.periodPricing?.plans ?? {}))
      this.periodPlans.set(plan, deepFreeze(structuredClone(rules)));
    this.names = deepFreeze(displayNamesOf(r, src.destinations));
  }

  /** Display names of this set's zones and the access types (see RuleBook.displayNamesAt); a fresh copy. */
  displayNames(): DisplayNames {
    return { zones: { ...this.names.zones }, accessTypes: { ...this.names.accessTypes } };
  }

  /**
   * The `periodPricing` entry for a contract price plan: the plan's own entry, else "*", else undefined
   * (no plan or an empty plan "" also falls back to "*"). `rules` is a fresh copy the caller may change.
   */
  periodPricingMatch(plan: string | undefined): PeriodPricingMatch | undefined {
    const key =
      plan !== undefined && plan !== '' && this.periodPlans.has(plan) ? plan : PERIOD_PRICING_FALLBACK_PLAN;
    const rules = this.periodPlans.get(key);
    return rules === undefined ? undefined : { plan: key, rules: structuredClone(rules) };
  }

  /** The period pricing for a contract price plan (exact plan, else "*", else undefined); a fresh copy. */
  periodPricingFor(plan: string | undefined): PeriodPricingRules | undefined {
    return this.periodPricingMatch(plan)?.rules;
  }

  /** The json-rules-engine rules, as in the file (for the reference engine). */
  engineRules(): RuleJson[] {
    return this.source.ruleset.rules;
  }

  /** Facts and context for one call; a string is the reason the call cannot be rated. */
  prepare(cdr: Cdr, ctx: PricingContext): PreparedCall | string {
    return prepareCall(this, cdr, ctx);
  }

  /** Indexes (into this.rules, i.e. in priority order) of the rules whose conditions hold. */
  evaluate(facts: Facts): number[] {
    const out: number[] = [];
    const f = facts as unknown as Record<string, unknown>;
    const rules = this.rules;
    const c = this.candidates(facts);
    if (c === undefined) {
      for (let i = 0; i < rules.length; i++) if (rules[i]!.predicate(f)) out.push(i);
      return out;
    }
    // only the rules that can fire for this access type and zone, each tested on what is left of
    // its condition once those are known
    const list = c.rules;
    const tests = c.tests;
    for (let k = 0; k < list.length; k++) {
      const test = tests[k];
      if (test === undefined || test(f)) out.push(list[k]!);
    }
    return out;
  }

  /**
   * What the fired rules decide (the rules of `evaluate`): on the fast path, shared by every call of
   * the same access type and zone that fires the same candidates, so nothing is allocated per call.
   */
  decide(facts: Facts): RuleDecision {
    const c = this.candidates(facts);
    if (c === undefined || c.rules.length > 30) return decideRules(this.rules, this.evaluate(facts));
    const f = facts as unknown as Record<string, unknown>;
    const tests = c.tests;
    let mask = 0;
    for (let k = 0; k < tests.length; k++) {
      const test = tests[k];
      if (test === undefined || test(f)) mask |= 1 << k;
    }
    let d = c.decisions.get(mask);
    if (d === undefined) {
      const fired: number[] = [];
      for (let k = 0; k < c.rules.length; k++) if (mask & (1 << k)) fired.push(c.rules[k]!);
      d = decideRules(this.rules, fired);
      // at most 2^(rules left to test) masks, and far fewer occur; a bound all the same
      if (c.decisions.size > 4096) c.decisions.clear();
      c.decisions.set(mask, d);
    }
    return d;
  }

  /** The rules specialised for a call's access type, zone and features; undefined for an access type rules do not know. */
  private candidates(facts: Facts): Candidates | undefined {
    const byZone = this.byAccessTypeZone.get(facts.accessType);
    if (byZone === undefined) return undefined;
    const zone = facts.zone;
    let pair = byZone.get(zone);
    if (pair === undefined) {
      const conditions = this.rules.map((r) => r.json.conditions);
      const order = this.rules.map((_, i) => i);
      const accessType = facts.accessType;
      const spec = (known: Record<string, unknown>): Candidates => ({
        ...specializeRules(conditions, order, known),
        decisions: new Map(),
      });
      pair = [spec({ accessType, zone }), spec({ accessType, zone, features: [] })];
      // zones come from destinations.json, so this stays small; a bound all the same
      if (byZone.size > 10_000) byZone.clear();
      byZone.set(zone, pair);
    }
    const features = facts.features;
    return pair[Array.isArray(features) && features.length === 0 ? 1 : 0];
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
    return priceCall(this, cdr, prep, decideRules(this.rules, fired));
  }

  /** Prices a call with the compiled rules (the fast path). */
  rate(cdr: Cdr, ctx: PricingContext): RatingOutcome {
    const prep = this.prepare(cdr, ctx);
    if (typeof prep === 'string') return { rated: false, reason: prep };
    return priceCall(this, cdr, prep, this.decide(prep.facts));
  }
}
