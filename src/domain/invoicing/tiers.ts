/**
 * Volume tiers on a period's minutes.
 *
 * Tiers are ordered by `upTo` ascending; `upTo` is INCLUSIVE (a tier "up to 1000" holds minute 1000)
 * and the last tier has `upTo: null` (no upper bound). Quantities may have fractions.
 *
 * - graduated: each tier prices only the minutes that fall inside it (1,500 min with tiers ≤1000 @ 0.10
 *   and above @ 0.08 = 1000 × 0.10 + 500 × 0.08 = 140). A tier's flat fee is charged when at least
 *   some quantity falls into it.
 * - volume: the tier the TOTAL quantity falls in prices all of it (1,500 min = 1500 × 0.08 = 120), plus
 *   that tier's flat fee.
 * A zero quantity costs nothing under both models (no flat fee either).
 * Amounts returned are unrounded; invoice lines round them (see ./totals.ts).
 */
import { Decimal, ZERO, formatAmount, parseAmount } from '../money';

export type TierModel = 'graduated' | 'volume';

export interface VolumeTier {
  /** Inclusive upper bound in minutes, decimal string; null for the last tier. */
  upTo: string | null;
  /** Price per minute, decimal string. */
  unitPrice: string;
  /** Optional fixed amount for entering the tier. */
  flatFee?: string;
}

export interface TierCharge {
  /** 0-based index into the tiers. */
  tierIndex: number;
  /** Lower bound (exclusive) of the tier, decimal string. */
  from: string;
  /** Upper bound (inclusive) of the tier, or null. */
  upTo: string | null;
  /** Minutes priced in this tier. */
  quantity: string;
  unitPrice: string;
  flatFee: string;
  /** quantity × unitPrice + flatFee, unrounded. */
  amount: string;
}

export interface TierPricing {
  model: TierModel;
  quantity: string;
  /** Sum of the tier amounts, unrounded. */
  amount: string;
  tiers: TierCharge[];
}

/** What is wrong with a tier list: the tier (absent for the list as a whole), the field and why. */
export interface TierProblem {
  tier?: number;
  field?: 'upTo' | 'unitPrice' | 'flatFee';
  reason: string;
}

/** The first problem of the tiers (ascending bounds, last unbounded, prices >= 0), if any. */
export function tierProblem(tiers: readonly VolumeTier[]): TierProblem | undefined {
  if (tiers.length === 0) return { reason: 'at least one tier is required' };
  let previous = ZERO;
  for (const [i, tier] of tiers.entries()) {
    const last = i === tiers.length - 1;
    if (last !== (tier.upTo === null))
      return {
        tier: i,
        field: 'upTo',
        reason: 'only the last tier, and always the last tier, has upTo null',
      };
    if (tier.upTo !== null) {
      const upTo = parseAmount(tier.upTo);
      if (!upTo.greaterThan(previous))
        return { tier: i, field: 'upTo', reason: `tier ${i} upTo must be above ${previous.toFixed()}` };
      previous = upTo;
    }
    if (parseAmount(tier.unitPrice).isNegative())
      return { tier: i, field: 'unitPrice', reason: `tier ${i} has a negative unit price` };
    if (tier.flatFee !== undefined && parseAmount(tier.flatFee).isNegative())
      return { tier: i, field: 'flatFee', reason: `tier ${i} has a negative flat fee` };
  }
  return undefined;
}

/**
 * Asserts well-formed tiers. Rule files are checked with tierProblem before they go live, so a
 * problem here is a bug, not bad input: a plain Error, never translated into a user-facing one.
 */
export function validateTiers(tiers: readonly VolumeTier[]): void {
  const problem = tierProblem(tiers);
  if (problem) throw new Error(`invalid volume tiers: ${problem.reason}`);
}

/** Prices `quantity` minutes on the tiers with the given model. */
export function priceTiers(quantity: string, tiers: readonly VolumeTier[], model: TierModel): TierPricing {
  validateTiers(tiers);
  const q = parseAmount(quantity);
  if (q.isNegative()) throw new RangeError(`negative quantity: ${quantity}`);
  const charges: TierCharge[] = [];
  if (!q.isZero()) {
    let from = ZERO;
    for (let i = 0; i < tiers.length; i++) {
      const tier = tiers[i]!;
      const upTo = tier.upTo === null ? null : parseAmount(tier.upTo);
      const price = parseAmount(tier.unitPrice);
      const fee = tier.flatFee === undefined ? ZERO : parseAmount(tier.flatFee);
      const inThisTier = upTo === null || q.lessThanOrEqualTo(upTo);
      if (model === 'volume') {
        if (inThisTier) {
          charges.push(charge(i, from, tier.upTo, q, price, fee));
          break;
        }
      } else {
        const top = upTo === null ? q : Decimal.min(q, upTo);
        const portion = top.minus(from);
        if (portion.greaterThan(0)) charges.push(charge(i, from, tier.upTo, portion, price, fee));
        if (inThisTier) break;
      }
      from = upTo!;
    }
  }
  const amount = charges.reduce((sum, c) => sum.plus(c.amount), ZERO);
  return { model, quantity: q.toFixed(), amount: formatAmount(amount), tiers: charges };
}

function charge(
  i: number,
  from: Decimal,
  upTo: string | null,
  quantity: Decimal,
  price: Decimal,
  fee: Decimal,
): TierCharge {
  return {
    tierIndex: i,
    from: from.toFixed(),
    upTo: upTo === null ? null : parseAmount(upTo).toFixed(),
    quantity: quantity.toFixed(),
    unitPrice: price.toFixed(),
    flatFee: fee.toFixed(),
    amount: formatAmount(quantity.times(price).plus(fee)),
  };
}
