/**
 * Prices every CDR with one given rule set, whatever its effective date: what a rerate with an
 * explicit rule set hash asks for (the live RatingRuntime picks the set in force at each call).
 */
import type { Cdr } from '../../domain/cdr';
import type { CompiledRuleSet } from '../../domain/rating/index';
import type { CdrRater, CustomerPricingFacts, RatingDecision } from '../ingest/ports';
import type { PeriodPricingSource } from '../invoicing/build';
import { decisionOf, pricingContext } from './rating-runtime';

export class RuleSetRater implements CdrRater {
  constructor(private readonly set: CompiledRuleSet) {}

  rate(cdr: Cdr, customer?: CustomerPricingFacts): RatingDecision {
    try {
      return decisionOf(this.set.rate(cdr, pricingContext(cdr, customer)), customer);
    } catch (error) {
      return { rated: false, reason: `internal rating error: ${(error as Error).message}` };
    }
  }

  describe(hash: string): string | undefined {
    return hash === this.set.hash ? `${this.set.name} ${this.set.version}` : undefined;
  }

  /**
   * This set's period pricing for a plan, whatever the period (as its call prices apply to every call);
   * refused for a customer of another currency, whose invoice it would price in the wrong money.
   */
  readonly periodPricing: PeriodPricingSource = (_instant, plan, currency) => {
    if (currency !== undefined && currency !== this.set.currency)
      throw new Error(
        `rule set ${this.set.name} ${this.set.version} prices in ${this.set.currency}, but the customer is billed in ${currency}`,
      );
    const match = this.set.periodPricingMatch(plan);
    return (
      match && {
        ...match,
        ruleSetHash: this.set.hash,
        ruleSetName: this.set.name,
        ruleSetVersion: this.set.version,
      }
    );
  };
}
