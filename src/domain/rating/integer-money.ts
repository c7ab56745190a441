/**
 * Money as scaled integers for the rating hot path: an amount is `units / 10^scale`, `units` a JS
 * safe integer (every product and sum is checked to stay below 2^53, so no double ever rounds).
 * Decimal text is parsed once, at rule-set compile time or per contract term; results leave as
 * decimal strings. price.ts says when this is provably equal to the decimal.js reference.
 */
import type { RoundingMethod } from './types';

/** 10^0 .. 10^22: every power of ten a double holds exactly. */
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Above this an integer result may have been rounded by the double arithmetic. */
export const SAFE = Number.MAX_SAFE_INTEGER;

/** An amount as a scaled integer; `units` is NaN when it does not fit a safe integer. */
export interface Scaled {
  units: number;
  scale: number;
}

/** Digits after the point of a decimal text ("0.050" -> 3). */
export function scaleOf(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * A decimal text (as money.ts's parseAmount accepts it) as units at `scale` (>= its own scale);
 * NaN when the units are not a safe integer.
 */
export function toUnits(text: string, scale: number = scaleOf(text)): number {
  const own = scaleOf(text);
  if (own > scale || scale - own >= POW10.length) return NaN;
  const digits = own > 0 ? text.slice(0, text.length - own - 1) + text.slice(text.length - own) : text;
  const n = Number(digits) * POW10[scale - own]!;
  return Number.isSafeInteger(n) && Number.isSafeInteger(Number(digits)) ? n : NaN;
}

export function parseScaled(text: string): Scaled {
  const scale = scaleOf(text);
  return { units: toUnits(text, scale), scale };
}

export function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** True when n/d has a finite decimal expansion (d > 0). */
export function terminates(n: number, d: number): boolean {
  let q = d / gcd(n, d);
  while (q % 2 === 0) q /= 2;
  while (q % 5 === 0) q /= 5;
  return q === 1;
}

/** How many times p divides n (n > 0). */
export function valuation(n: number, p: number): number {
  let k = 0;
  while (n % p === 0) {
    n /= p;
    k++;
  }
  return k;
}

/** A rounding method as a number, for a switch without string compares. */
export const ROUNDING_CODE: Record<RoundingMethod, number> = {
  half_up: 0,
  half_even: 1,
  half_down: 2,
  up: 3,
  down: 4,
  ceiling: 5,
  floor: 6,
};

/**
 * Whether the quotient num / den (num >= 0, den > 0) with remainder r sits on the rounding
 * method's boundary: a tie for the half methods, a whole number for the others.
 */
export function onBoundary(r: number, den: number, code: number): boolean {
  return code <= 2 ? 2 * r === den : r === 0;
}

/** q + r / den (q >= 0, 0 <= r < den) rounded to an integer with a rounding method (ROUNDING_CODE). */
export function roundQuotient(q: number, r: number, den: number, code: number): number {
  if (code <= 2) {
    const twice = 2 * r;
    if (twice < den) return q;
    if (twice > den) return q + 1;
    return code === 0 ? q + 1 : code === 2 ? q : q % 2 === 0 ? q : q + 1;
  }
  // a positive amount: up and ceiling go away from zero, down and floor towards it
  return r === 0 || code === 4 || code === 6 ? q : q + 1;
}

/** FRACTIONS[d - 1][f]: f as d digits ("05" for 5 at 2), for the usual 1 to 3 decimals. */
const FRACTIONS: readonly (readonly string[])[] = [1, 2, 3].map((d) =>
  Array.from({ length: 10 ** d }, (_, f) => String(f).padStart(d, '0')),
);

/** Units at `decimals` places as plain decimal text (units >= 0): 1234, 2 -> "12.34". */
export function formatUnits(units: number, decimals: number): string {
  if (decimals === 0) return String(units);
  if (decimals <= FRACTIONS.length) {
    // whole part and fraction by exact integer arithmetic (% and a division that leaves no
    // remainder), the fraction's padded text from a table: one string built instead of four
    const p = POW10[decimals]!;
    const frac = units % p;
    return String((units - frac) / p) + '.' + FRACTIONS[decimals - 1]![frac]!;
  }
  const s = String(units);
  const padded = s.length > decimals ? s : '0'.repeat(decimals + 1 - s.length) + s;
  return padded.slice(0, padded.length - decimals) + '.' + padded.slice(padded.length - decimals);
}
