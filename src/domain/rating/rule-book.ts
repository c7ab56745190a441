/** All loaded rule sets; the one in force at a call's start time prices it. */
import type { Cdr } from '../cdr';
import type { CompiledRuleSet, PeriodPricingMatch } from './compiled-rule-set';
import type { PricingContext, RatingOutcome } from './types';

/** The period pricing of the rule set in force at an instant (RuleBook.periodPricingAt). */
export interface PeriodPricingInForce extends PeriodPricingMatch {
  ruleSetHash: string;
  ruleSetName: string;
  ruleSetVersion: string;
}

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
