/**
 * Reads and checks the exchange rates file (rules/exchange-rates.json; schema in
 * ./exchange-rates-schema.ts): the schema, then what a schema cannot say (real calendar dates, a
 * positive rate, one rate per currency and date, no rate for the accounting currency itself).
 * `exchangeRatesFile` is the source issuing reads, at each issue, so finance's edits apply without a
 * restart.
 */
import { readFile } from 'node:fs/promises';
import { DateTime } from 'luxon';
import type { ExchangeRateSource } from '../app/invoicing/exchange-rate-source';
import {
  DEFAULT_MAX_AGE_DAYS,
  type ExchangeRate,
  type ExchangeRateTable,
} from '../domain/exchange-rates/exchange-rate-table';
import type { RuleViolation } from '../domain/rating/types';
import { parseJsonFile } from './json-file';
import { schemaValidator, schemaViolations } from './schema-violations';

/** The file's name inside a rules directory. */
export const EXCHANGE_RATES_FILE = 'exchange-rates.json';

export type ExchangeRatesRead =
  { ok: true; table: ExchangeRateTable } | { ok: false; violations: RuleViolation[] };

export function parseExchangeRates(file: string, text: string): ExchangeRatesRead {
  const parsed = parseJsonFile(file, text);
  if (!parsed.ok) return { ok: false, violations: parsed.violations };
  const validate = schemaValidator('exchange-rates.schema.json');
  if (!validate(parsed.doc))
    return { ok: false, violations: schemaViolations(file, parsed.doc, validate.errors) };
  const doc = parsed.doc as { accountingCurrency: string; maxAgeDays?: number; rates: ExchangeRate[] };
  const violations: RuleViolation[] = [];
  const seen = new Set<string>();
  doc.rates.forEach((r, i) => {
    const at = (field: string, reason: string) =>
      violations.push({ file, jsonPath: `$.rates[${i}].${field}`, reason });
    if (!DateTime.fromISO(r.date, { zone: 'UTC' }).isValid) at('date', `${r.date} is not a calendar date`);
    if (!/[1-9]/.test(r.rate)) at('rate', 'must be greater than 0');
    if (r.currency === doc.accountingCurrency)
      at('currency', `${r.currency} is the accounting currency; it needs no rate`);
    const key = `${r.currency} ${r.date}`;
    if (seen.has(key)) at('date', `a second rate for ${r.currency} on ${r.date}`);
    seen.add(key);
  });
  if (violations.length) return { ok: false, violations };
  return {
    ok: true,
    table: {
      accountingCurrency: doc.accountingCurrency,
      maxAgeDays: doc.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS,
      rates: doc.rates.map((r) => ({
        currency: r.currency,
        date: r.date,
        rate: r.rate,
        ...(r.source ? { source: r.source } : {}),
      })),
    },
  };
}

export async function readExchangeRates(file: string): Promise<ExchangeRatesRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return {
      ok: false,
      violations: [{ file, jsonPath: '$', reason: `cannot read: ${(e as Error).message}` }],
    };
  }
  return parseExchangeRates(file, text);
}

/** The violations in one line each, for an error message. */
export function describeViolations(violations: RuleViolation[]): string {
  return violations.map((v) => `${v.file} ${v.jsonPath}: ${v.reason}`).join('; ');
}

export function exchangeRatesFile(file: string): ExchangeRateSource {
  // Parsed again only when the text changed; the file is read each time (tens of KB), since an edit
  // can keep size and mtime (cp -p, rsync -a), as with the rule files.
  let cached: { text: string; read: ExchangeRatesRead } | undefined;
  return {
    location: file,
    async table() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        throw new Error(`cannot read ${file}: ${(e as Error).message}`, { cause: e });
      }
      if (cached?.text !== text) cached = { text, read: parseExchangeRates(file, text) };
      const { read } = cached;
      if (!read.ok) throw new Error(describeViolations(read.violations));
      return read.table;
    },
  };
}
