/**
 * Which price plans a contract may name: those the live rule book knows. A plan nobody prices is a
 * typo that would otherwise be stored silently and price the customer at list prices for months.
 */
import type { FieldViolation } from '../../domain/errors';
import { FailedPreconditionError } from '../../domain/errors';
import type { ConditionJson, RuleBook } from '../../domain/rating/index';
import { PERIOD_PRICING_FALLBACK_PLAN } from '../../domain/rating/types';
import { quoteForMessage } from '../../domain/quote-value';

export interface PricePlanCatalog {
  /** The plan names the live rule book knows, sorted; undefined while no rule book is live. */
  names(): readonly string[] | undefined;
}

/**
 * The catalog of the live rule book (RatingRuntime.current), read at each call so a reload counts
 * at once. A plan is known when any rule set of the book names it: as a `periodPricing.plans` key
 * (tiers, included minutes, commitment) or as a value its rules compare the `pricePlan` fact with
 * (discounts and rates per plan, e.g. "enterprise", which has no period pricing).
 *
 * The fallback key "*" is not a plan and does not make every name acceptable: it prices customers
 * whose plan has no entry of its own (or who have none), and a misspelt plan would silently fall
 * into it. So "*" is never listed, and a contract naming an unknown plan is refused even then.
 */
export function livePricePlans(rating: {
  readonly current: { book: RuleBook } | undefined;
}): PricePlanCatalog {
  return {
    names() {
      const book = rating.current?.book;
      return book && planNamesOf(book);
    },
  };
}

export function planNamesOf(book: RuleBook): string[] {
  const names = new Set<string>();
  for (const set of book.sets) {
    for (const plan of Object.keys(set.source.ruleset.periodPricing?.plans ?? {})) names.add(plan);
    for (const rule of set.rules) pricePlanValues(rule.json.conditions, names);
  }
  names.delete(PERIOD_PRICING_FALLBACK_PLAN);
  names.delete('');
  return [...names].sort();
}

function pricePlanValues(c: ConditionJson, out: Set<string>): void {
  if ('all' in c) c.all.forEach((s) => pricePlanValues(s, out));
  else if ('any' in c) c.any.forEach((s) => pricePlanValues(s, out));
  else if ('not' in c) pricePlanValues(c.not, out);
  else if (c.fact === 'pricePlan') {
    for (const v of Array.isArray(c.value) ? c.value : [c.value]) if (typeof v === 'string') out.add(v);
  }
}

/**
 * The violation of a contract's price plan (empty: none, always fine), or undefined. Without a
 * catalog (not wired) every plan passes; without a live rule book a plan cannot be checked at all.
 */
export function pricePlanViolation(
  catalog: PricePlanCatalog | undefined,
  plan: string | undefined,
  field = 'contract.price_plan',
): FieldViolation | undefined {
  if (!plan || !catalog) return undefined;
  const known = catalog.names();
  if (!known)
    throw new FailedPreconditionError(
      `no valid rule set is loaded, so price plan ${quoteForMessage(plan)} cannot be checked; try again when the rules are fixed`,
    );
  if (known.includes(plan)) return undefined;
  return {
    field,
    reason: `unknown price plan ${quoteForMessage(plan)}; the rule set knows ${known.length ? known.map((p) => JSON.stringify(p)).join(', ') : 'no plans'}`,
  };
}
