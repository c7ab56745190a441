/**
 * How the PDF prints an invoice's values: amounts from their decimal strings (never through a JS
 * number), parties' address lines, countries, units and VAT rates.
 */
import type { InvoiceLine, Party } from '../domain/invoicing/types';

/** A decimal with thousands separators, never rounded: at least `minDecimals` decimals, more if it has them. */
export function formatExactDecimal(text: string, minDecimals = 2): string {
  const fraction = (text.split('.')[1] ?? '').replace(/0+$/, '');
  return formatDecimalText(text, Math.max(minDecimals, fraction.length));
}

/** What a line's unit price is for, when not one unit: "per 60 s". */
export function basisLabel(line: {
  baseQuantity?: string | undefined;
  unitCode: keyof typeof UNIT_LABEL;
}): string {
  return line.baseQuantity === undefined ? '' : `per ${line.baseQuantity} ${UNIT_LABEL[line.unitCode]}`;
}

/**
 * The allowance of a line in words, as what it does to the line: "Discount: 5 % of 366.21: -18.31"
 * on an invoice, "Discount: 5 % of -366.21: 18.31" on a credit note (it takes back less).
 */
export function allowanceText(allowance: {
  percent: string;
  baseAmount: string;
  amount: string;
  reason: string;
}): string {
  const effect = allowance.amount.startsWith('-') ? allowance.amount.slice(1) : `-${allowance.amount}`;
  return `${allowance.reason}: ${allowance.percent} % of ${formatDecimalText(allowance.baseAmount)}: ${formatDecimalText(effect)}`;
}

/** "1234567.5" -> "1,234,567.50" from the string, with `decimals` places (ROUND_HALF_UP on the text). */
export function formatDecimalText(text: string, decimals = 2): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a decimal: ${text}`);
  const sign = m[1]!;
  let int = m[2]!;
  let frac = m[3] ?? '';
  if (frac.length > decimals) {
    const roundUp = frac.charCodeAt(decimals) >= 53; // '5'
    frac = frac.slice(0, decimals);
    if (roundUp) {
      const digits = (int + frac).split('').map(Number);
      let i = digits.length - 1;
      while (i >= 0) {
        if (digits[i] === 9) {
          digits[i] = 0;
          i--;
        } else {
          digits[i]!++;
          break;
        }
      }
      let joined = digits.join('');
      if (i < 0) joined = `1${joined}`;
      int = joined.slice(0, joined.length - decimals) || '0';
      frac = joined.slice(joined.length - decimals);
    }
  }
  frac = frac.padEnd(decimals, '0');
  int = int.replace(/^0+(?=\d)/, '');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const isZero = /^[0,]*$/.test(grouped) && /^0*$/.test(frac);
  return `${isZero ? '' : sign}${grouped}${decimals > 0 ? `.${frac}` : ''}`;
}

export function partyLines(p: Party): string[] {
  const lines = [...p.addressLines];
  const cityLine = [p.postalCode, p.city].filter(Boolean).join(' ');
  if (cityLine) lines.push(cityLine);
  lines.push(countryName(p.countryCode));
  return lines;
}

const COUNTRIES: Record<string, string> = {
  SE: 'Sweden',
  NO: 'Norway',
  DK: 'Denmark',
  FI: 'Finland',
  DE: 'Germany',
  GB: 'United Kingdom',
  US: 'United States',
  NL: 'Netherlands',
  FR: 'France',
  ES: 'Spain',
  IT: 'Italy',
  PL: 'Poland',
  IE: 'Ireland',
  BE: 'Belgium',
  AT: 'Austria',
  CH: 'Switzerland',
};
export function countryName(code: string): string {
  return COUNTRIES[code] ?? code;
}

export const UNIT_LABEL: Record<InvoiceLine['unitCode'], string> = { SEC: 's', MIN: 'min', C62: 'pcs' };

export function vatRateLabel(rate: string): string {
  return `${rate}%`;
}
