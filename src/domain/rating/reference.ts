/**
 * The reference path: the same rule set priced with json-rules-engine's `engine.run` per call. Only the
 * choice of fired rules differs from the fast path; everything after is the same code. Used by the
 * property tests and the benchmark to show the compiled predicates give identical results.
 */
import { Engine, type RuleProperties } from 'json-rules-engine';
import type { Cdr } from '../cdr';
import type { CompiledRuleSet } from './compiled-rule-set';
import type { RuleBook } from './rule-book';
import type { Facts } from './facts';
import type { PricingContext, RatingOutcome, RuleJson } from './types';

export function engineFor(rules: RuleJson[]): Engine {
  return new Engine(
    rules.map((r) => ({
      name: r.name,
      priority: r.priority ?? 1,
      // Our JSON types are json-rules-engine's input, written out (see types.ts).
      conditions: r.conditions as unknown as RuleProperties['conditions'],
      event: r.event,
    })),
    { allowUndefinedFacts: false },
  );
}

/** Names of the rules whose conditions hold, by json-rules-engine. */
export async function engineFiredNames(
  engine: Engine,
  facts: Facts | Record<string, unknown>,
): Promise<string[]> {
  const res = await engine.run({ ...facts });
  return res.results.map((r) => String(r.name));
}

export class ReferenceRater {
  private engines = new Map<CompiledRuleSet, Engine>();
  constructor(private book: RuleBook) {}

  engine(set: CompiledRuleSet): Engine {
    let e = this.engines.get(set);
    if (!e) this.engines.set(set, (e = engineFor(set.engineRules())));
    return e;
  }

  async rate(cdr: Cdr, ctx: PricingContext): Promise<RatingOutcome> {
    const set = cdr.startTime instanceof Date ? this.book.ruleSetAt(cdr.startTime, ctx.currency) : undefined;
    if (!set) return this.book.rate(cdr, ctx); // same "no rule set" outcome
    const prep = set.prepare(cdr, ctx);
    if (typeof prep === 'string') return { rated: false, reason: prep };
    const names = await engineFiredNames(this.engine(set), prep.facts);
    return set.price(cdr, prep, set.indexesOfNames(names));
  }
}
