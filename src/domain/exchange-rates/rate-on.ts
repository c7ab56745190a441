/**
 * The rate for a currency on an issue date: the latest rate dated on or before it, provided it is at
 * most the table's maxAgeDays old; otherwise none, with the reason (no rate at all, only later ones,
 * or the latest too old), so the refusal says what finance has to add.
 */
import type { ExchangeRate, ExchangeRateTable } from './exchange-rate-table';

export type RateLookup = { ok: true; rate: ExchangeRate } | { ok: false; reason: string };

const DAY_MS = 86_400_000;

/** `date` YYYY-MM-DD. */
export function rateOn(table: ExchangeRateTable, currency: string, date: string): RateLookup {
  let best: ExchangeRate | undefined;
  let any = false;
  for (const r of table.rates) {
    if (r.currency !== currency) continue;
    any = true;
    if (r.date <= date && (!best || r.date > best.date)) best = r;
  }
  if (!any) return { ok: false, reason: `there is no rate for ${currency}` };
  if (!best) return { ok: false, reason: `the earliest rate for ${currency} is dated after ${date}` };
  const age = daysBetween(best.date, date);
  if (age > table.maxAgeDays)
    return {
      ok: false,
      reason: `the latest rate for ${currency} on or before ${date} is dated ${best.date}, ${age} days old (at most ${table.maxAgeDays})`,
    };
  return { ok: true, rate: best };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}
