/**
 * `billing rates check [FILE]`: validates the exchange rates file finance edits (default
 * $BILLING_EXCHANGE_RATES_FILE, else exchange-rates.json in $BILLING_RULES_DIR or ./rules) and shows,
 * per currency, the dates it covers and the gaps where an invoice could not be issued (no rate at
 * most maxAgeDays old). Exit code 1 when the file is invalid.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EXCHANGE_RATES_FILE, readExchangeRates } from '../rules-files/exchange-rates-file';

const DAY_MS = 86_400_000;

const defaultFile = () =>
  process.env.BILLING_EXCHANGE_RATES_FILE ||
  path.join(process.env.BILLING_RULES_DIR || './rules', EXCHANGE_RATES_FILE);

export async function ratesCheck(
  file: string,
  out: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
): Promise<number> {
  const read = await readExchangeRates(file);
  if (!read.ok) {
    for (const v of read.violations) err(`${v.file}: ${v.jsonPath}: ${v.reason}`);
    err(
      `${read.violations.length} error(s) in ${file}; invoices in a foreign currency cannot be issued until they are fixed`,
    );
    return 1;
  }
  const { table } = read;
  const byCurrency = new Map<string, string[]>();
  for (const r of table.rates) byCurrency.set(r.currency, [...(byCurrency.get(r.currency) ?? []), r.date]);
  for (const [currency, dates] of [...byCurrency].sort(([a], [b]) => a.localeCompare(b))) {
    dates.sort();
    const last = dates[dates.length - 1]!;
    const coveredUntil = addDays(last, table.maxAgeDays);
    out(
      `ok  ${currency}: ${dates.length} rate(s) ${dates[0]} .. ${last}, usable for issue dates ${dates[0]} .. ${coveredUntil}`,
    );
    for (let i = 1; i < dates.length; i++) {
      const gapFrom = addDays(dates[i - 1]!, table.maxAgeDays + 1);
      if (gapFrom < dates[i]!)
        out(`    gap: no usable ${currency} rate for ${gapFrom} .. ${addDays(dates[i]!, -1)}`);
    }
  }
  out(
    `${table.rates.length} rate(s) into ${table.accountingCurrency}, each usable for ${table.maxAgeDays} day(s) after its date`,
  );
  return 0;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function registerRatesCommands(program: Command): void {
  const rates = program
    .command('rates')
    .description('the exchange rates that state foreign-currency VAT in SEK');
  rates
    .command('check [file]')
    .description('validate the exchange rates file and show the dates each currency covers')
    .action(async (file?: string) => {
      process.exitCode = (await ratesCheck(file ?? defaultFile())) || process.exitCode;
    });
}
