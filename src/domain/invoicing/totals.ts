/**
 * Invoice totals, EN 16931 style. These rules are the contract between lines and totals; they make the
 * totals add up by construction, to the cent, on every document:
 *
 * 1. Every line's net amount is rounded to 2 decimals (ROUND_HALF_UP, ties away from zero) when the
 *    line is built, as quantity × unit price / base quantity less its allowance (./line-price.ts),
 *    so anyone can recompute it from what the line prints.
 * 2. Invoice net total = the sum of the rounded line net amounts (exact, no further rounding).
 * 3. VAT is computed per (VAT category, rate): taxable amount = sum of the rounded line nets with that
 *    rate; VAT amount = taxable amount × rate / 100, rounded ONCE to 2 decimals (ROUND_HALF_UP). VAT is
 *    never computed or rounded per line.
 * 4. VAT total = sum of the per-rate VAT amounts. Gross total = net total + VAT total. Payable = gross.
 *
 * Because ROUND_HALF_UP is symmetric around zero, negating every line negates every total exactly:
 * a credit note that credits a whole invoice cancels it to the cent.
 */
import { Decimal, ZERO, formatAmount, parseAmount, roundMoney } from '../money';
import type { InvoiceLine, InvoiceTotals, VatBreakdownEntry, VatCategory } from './types';

/** Rounds a line amount to 2 decimals, the one place line money is rounded. */
export function roundLineAmount(amount: Decimal): Decimal {
  return roundMoney(amount, 2);
}

/** "25.00" -> "25", "12.50" -> "12.5": one spelling per rate so equal rates group together. */
export function normalizeVatRate(rate: string): string {
  const d = parseAmount(rate);
  if (d.isNegative() || d.greaterThan(100)) throw new RangeError(`VAT rate out of range: ${rate}`);
  return d.toFixed();
}

export function defaultVatCategory(rate: string): VatCategory {
  return parseAmount(rate).isZero() ? 'Z' : 'S';
}

const EXEMPTION_REASONS: Partial<Record<VatCategory, string>> = {
  // Swedish VAT act (mervärdesskattelagen): the invoice must say "Omvänd betalningsskyldighet".
  AE: 'Omvänd betalningsskyldighet / Reverse charge: VAT to be accounted for by the buyer (Article 196 of Directive 2006/112/EC)',
  K: 'Intra-community supply, exempt (Article 138 of Directive 2006/112/EC)',
  G: 'Service to a business outside the EU: not subject to Swedish VAT (Article 44 of Directive 2006/112/EC)',
  E: 'Exempt from VAT',
  O: 'Not subject to VAT',
};

/** The VAT breakdown: one entry per (category, rate), ordered by rate descending then category. */
export function computeVatBreakdown(lines: readonly InvoiceLine[]): VatBreakdownEntry[] {
  const groups = new Map<string, { category: VatCategory; rate: string; taxable: Decimal }>();
  for (const line of lines) {
    const rate = normalizeVatRate(line.vatRate);
    const key = `${line.vatCategory}|${rate}`;
    const g = groups.get(key) ?? { category: line.vatCategory, rate, taxable: ZERO };
    g.taxable = g.taxable.plus(parseAmount(line.netAmount));
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort(
      (a, b) => new Decimal(b.rate).comparedTo(new Decimal(a.rate)) || a.category.localeCompare(b.category),
    )
    .map((g) => {
      const vat = roundMoney(g.taxable.times(g.rate).dividedBy(100), 2);
      const entry: VatBreakdownEntry = {
        vatCategory: g.category,
        vatRate: g.rate,
        taxableAmount: formatAmount(g.taxable, 2),
        vatAmount: formatAmount(vat, 2),
      };
      const reason = EXEMPTION_REASONS[g.category];
      if (reason) entry.exemptionReason = reason;
      return entry;
    });
}

/** Totals from the lines and their breakdown, by the rules above. */
export function computeTotals(
  lines: readonly InvoiceLine[],
  breakdown = computeVatBreakdown(lines),
): InvoiceTotals {
  const net = lines.reduce((sum, l) => sum.plus(parseAmount(l.netAmount)), ZERO);
  const vat = breakdown.reduce((sum, b) => sum.plus(parseAmount(b.vatAmount)), ZERO);
  const gross = net.plus(vat);
  return {
    netTotal: formatAmount(net, 2),
    vatTotal: formatAmount(vat, 2),
    grossTotal: formatAmount(gross, 2),
    payableAmount: formatAmount(gross, 2),
  };
}
