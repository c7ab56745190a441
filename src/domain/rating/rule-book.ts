/**
 * All loaded rule sets, as one price list timeline per currency: a call is priced by the set of the
 * customer's currency in force at the call's start (the latest effectiveFrom at or before it).
 */
import type { Cdr } from '../cdr';
import type { CompiledRuleSet, PeriodPricingMatch } from './compiled-rule-set';
import { builtInDisplayNames, type DisplayNames } from './display-names';
import type { PricingContext, RatingOutcome } from './types';

/** The period pricing of the rule set in force at an instant (RuleBook.periodPricingAt). */
export interface PeriodPricingInForce extends PeriodPricingMatch {
  ruleSetHash: string;
  ruleSetName: string;
  ruleSetVersion: string;
}

/** Why a call finds no rule set: the same words for ingest, QuoteCall and rerate. */
export function noPriceListReason(currency: string | undefined, time: unknown): string {
  const at = time instanceof Date && !isNaN(time.getTime()) ? time.toISOString() : 'an invalid start time';
  return currency ? `no ${currency} price list in force at ${at}` : `no rule set in force at ${at}`;
}

/** The sets of one currency, by effectiveFrom (ascending). */
class Timeline {
  private readonly starts: number[];

  constructor(readonly sets: CompiledRuleSet[]) {
    this.starts = sets.map((s) => s.effectiveFrom.getTime());
  }

  at(t: number): CompiledRuleSet | undefined {
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
}

export class RuleBook {
  /** Every set of every currency, sorted by effectiveFrom, then currency. */
  readonly sets: readonly CompiledRuleSet[];
  /** The currencies that have a price list, sorted. */
  readonly currencies: readonly string[];
  /**
   * The currency of list prices: what a call without a customer currency (a quote without a customer,
   * a finance case without one) is priced in. It is the currency of the earliest price list (by
   * effectiveFrom; on a tie, the first alphabetically), so adding a price list in another currency
   * never changes it.
   */
  readonly listPriceCurrency: string | undefined;
  private readonly timelines = new Map<string, Timeline>();

  constructor(sets: CompiledRuleSet[]) {
    this.sets = [...sets].sort(
      (a, b) =>
        a.effectiveFrom.getTime() - b.effectiveFrom.getTime() ||
        (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0),
    );
    const byCurrency = new Map<string, CompiledRuleSet[]>();
    for (const s of this.sets) byCurrency.set(s.currency, [...(byCurrency.get(s.currency) ?? []), s]);
    for (const [currency, list] of byCurrency) this.timelines.set(currency, new Timeline(list));
    this.currencies = [...byCurrency.keys()].sort();
    this.listPriceCurrency = this.sets[0]?.currency;
  }

  /** The set of `currency` (default: the list-price currency) in force at `time`. */
  ruleSetAt(time: Date, currency: string | undefined = this.listPriceCurrency): CompiledRuleSet | undefined {
    return currency === undefined ? undefined : this.timelines.get(currency)?.at(time.getTime());
  }

  /** Prices a call with the price list of the context's currency (list prices without one). */
  rate(cdr: Cdr, ctx: PricingContext): RatingOutcome {
    const currency = ctx.currency ?? this.listPriceCurrency;
    try {
      const set = cdr.startTime instanceof Date ? this.ruleSetAt(cdr.startTime, currency) : undefined;
      if (!set) return { rated: false, reason: noPriceListReason(currency, cdr.startTime) };
      return set.rate(cdr, ctx);
    } catch (e) {
      return { rated: false, reason: `internal rating error: ${(e as Error).message}` };
    }
  }

  /**
   * The period pricing for a contract price plan from the set of `currency` (the customer's; default:
   * the list-price currency) in force at `instant` (for a billing period: its START), with the set that
   * supplied it and the plan key that matched (the plan or "*"). Undefined when no set of that currency
   * is in force or it has no entry for the plan and no "*". `rules` is a fresh copy.
   */
  periodPricingAt(
    instant: Date,
    plan: string | undefined,
    currency?: string,
  ): PeriodPricingInForce | undefined {
    const set = this.ruleSetAt(instant, currency ?? this.listPriceCurrency);
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

  /**
   * Finance's display names of zones and access types, from the set of `currency` (default: the
   * list-price currency) in force at `instant` (for an invoice: its period's start). Every zone of
   * that set has an entry (its code when the file gives no name); a zone the set does not know (a
   * charge priced by an older set) is absent, so look up `zones[zone] ?? zone`. Access types without
   * a name in the file get the built-in labels. No set in force: no zones, the built-in labels.
   */
  displayNamesAt(instant: Date, currency?: string): DisplayNames {
    const set = this.ruleSetAt(instant, currency ?? this.listPriceCurrency);
    return set ? set.displayNames() : builtInDisplayNames();
  }

  /** The hashes of all loaded sets (to keep every set that priced a charge). */
  hashes(): string[] {
    return this.sets.map((s) => s.hash);
  }
}

export type { DisplayNames };
