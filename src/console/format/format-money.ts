/**
 * Money from the service's decimal strings ("1234.5", "-0.000833"), formatted per locale without
 * ever becoming a JS number: Intl.NumberFormat formats a numeric string exactly. At least the
 * currency's minor digits are shown ("1.5" SEK is "1,50 kr"), more when the amount has them (a
 * per-second rate).
 */
import type { Money } from '../../gen/es/billing/v1/common_pb';
import { LOCALE } from './locale';

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function formatMoney(money: Money | undefined, locale = LOCALE): string {
  if (!money) return '';
  return formatAmount(money.amount, money.currencyCode, locale);
}

export function formatAmount(amount: string, currencyCode: string, locale = LOCALE): string {
  if (!DECIMAL.test(amount)) return `${amount} ${currencyCode}`;
  const decimals = amount.split('.')[1]?.length ?? 0;
  const minor = minorDigits(currencyCode, locale);
  if (minor === undefined) return `${amount} ${currencyCode}`;
  const digits = Math.min(Math.max(minor, decimals), 20);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currencyCode,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(amount as Intl.StringNumericLiteral);
}

/** The currency's minor unit digits (2 for SEK, 0 for JPY); undefined for an unknown code. */
function minorDigits(currencyCode: string, locale: string): number | undefined {
  try {
    return (
      new Intl.NumberFormat(locale, { style: 'currency', currency: currencyCode }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return undefined;
  }
}

/** A plain decimal string (minutes, quantities, percentages) in the locale's notation, exactly. */
export function formatDecimal(value: string, locale = LOCALE): string {
  if (!DECIMAL.test(value)) return value;
  const decimals = value.split('.')[1]?.length ?? 0;
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: decimals,
    maximumFractionDigits: Math.min(decimals, 20),
  }).format(value as Intl.StringNumericLiteral);
}
