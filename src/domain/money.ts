/**
 * Money arithmetic. Amounts never pass through a JS `number`: they are decimal.js values inside the
 * domain and decimal strings at every boundary (proto, database `numeric`, files).
 *
 * Rounding mode, for the whole product: ROUND_HALF_UP (ties away from zero, "commercial rounding"),
 * applied only where a rule or an invoice says an amount is rounded; intermediate values keep full
 * precision (40 significant digits).
 */
import DecimalJs from 'decimal.js';

export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP });
export type Decimal = InstanceType<typeof Decimal>;

/** The one rounding mode money uses when it is rounded. */
export const MONEY_ROUNDING = DecimalJs.ROUND_HALF_UP;

/** A decimal amount as text: optional minus sign, digits, optional fraction. No exponent, no spaces. */
const DECIMAL_TEXT = /^-?\d{1,30}(\.\d{1,20})?$/;

/** Parses a decimal string strictly (no exponents, no thousands separators); throws on anything else. */
export function parseAmount(text: string): Decimal {
  if (!DECIMAL_TEXT.test(text)) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  return new Decimal(text);
}

export function isDecimalText(text: string): boolean {
  return DECIMAL_TEXT.test(text);
}

/** Rounds to `decimals` places with the product's rounding mode (or the one a rule set names). */
export function roundMoney(
  amount: Decimal,
  decimals: number,
  rounding: DecimalJs.Rounding = MONEY_ROUNDING,
): Decimal {
  return amount.toDecimalPlaces(decimals, rounding);
}

/** Formats for the wire and the database: plain notation, never an exponent. */
export function formatAmount(amount: Decimal, decimals?: number): string {
  return decimals === undefined ? amount.toFixed() : amount.toFixed(decimals);
}

export const ZERO = new Decimal(0);
