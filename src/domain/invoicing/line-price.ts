/**
 * The one way a priced invoice line gets its net amount, so that anyone can recompute it from what
 * the line prints (EN 16931 BT-129 .. BT-149; Peppol rule PEPPOL-EN16931-R120):
 *
 *   base amount = quantity × unit price / base quantity, rounded to 2 decimals (ROUND_HALF_UP)
 *   allowance   = base amount × percent / 100, rounded to 2 decimals (ROUND_HALF_UP), if any
 *   net amount  = base amount − allowance
 *
 * Negative quantities (included minutes, credit notes) give exactly the negated amounts, because
 * ROUND_HALF_UP is symmetric around zero.
 */
import { Decimal, formatAmount, parseAmount } from '../money';
import { roundLineAmount } from './totals';
import type { LineAllowance } from './types';

export interface LinePriceInput {
  quantity: Decimal | string;
  unitPrice: Decimal | string;
  /** Units the unit price is for; "1" when absent. */
  baseQuantity?: string | undefined;
  /** A percentage discount on the line and why. */
  discount?: { percent: string; reason: string } | undefined;
}

export interface LinePrice {
  netAmount: string;
  allowance?: LineAllowance;
}

const dec = (v: Decimal | string) => (typeof v === 'string' ? parseAmount(v) : v);

/** The net amount (and allowance) of `quantity` at `unitPrice` per `baseQuantity`. */
export function priceLine(input: LinePriceInput): LinePrice {
  const base = parseAmount(input.baseQuantity ?? '1');
  if (!base.greaterThan(0)) throw new RangeError(`base quantity must be positive: ${input.baseQuantity}`);
  const baseAmount = roundLineAmount(dec(input.quantity).times(dec(input.unitPrice)).dividedBy(base));
  const percent = input.discount ? parseAmount(input.discount.percent) : undefined;
  // A discount on nothing is not printed (a line priced at 0 under a discounted contract).
  if (!input.discount || !percent || percent.isZero() || baseAmount.isZero())
    return { netAmount: formatAmount(baseAmount, 2) };
  const allowance = roundLineAmount(baseAmount.times(percent).dividedBy(100));
  return {
    netAmount: formatAmount(baseAmount.minus(allowance), 2),
    allowance: {
      percent: percent.toFixed(),
      baseAmount: formatAmount(baseAmount, 2),
      amount: formatAmount(allowance, 2),
      reason: input.discount.reason,
    },
  };
}

/** The discount of a line as priceLine takes it back (for re-pricing a part of a line). */
export function discountOf(line: { allowance?: LineAllowance | undefined }): LinePriceInput['discount'] {
  return line.allowance ? { percent: line.allowance.percent, reason: line.allowance.reason } : undefined;
}

/** Whether a line's net amount is what its quantity, unit price, base quantity and allowance say. */
export function lineAddsUp(line: {
  quantity: string;
  unitPrice: string;
  baseQuantity?: string | undefined;
  allowance?: LineAllowance | undefined;
  netAmount: string;
}): boolean {
  const p = priceLine({
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    baseQuantity: line.baseQuantity,
    discount: discountOf(line),
  });
  return new Decimal(p.netAmount).equals(line.netAmount);
}
