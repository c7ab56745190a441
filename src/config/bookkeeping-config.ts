/**
 * Bookkeeping configuration: the ledger accounts and voucher series of the SIE export
 * (BILLING_BOOKKEEPING_FILE, JSON), BAS defaults for whatever the file leaves out. Read and checked
 * once at start-up, so a typo stops the service with the field's name instead of booking on a wrong
 * account months later.
 */
import fs from 'node:fs';
import { BAS_ACCOUNTS, type BookkeepingAccounts } from '../domain/bookkeeping/accounts';
import { ConfigError } from './config';

export interface BookkeepingConfig {
  accounts: BookkeepingAccounts;
  voucherSeries: string;
}

export const DEFAULT_VOUCHER_SERIES = 'F';

type Env = Record<string, string | undefined>;

const ACCOUNT = /^\d{4}$/;
const RATE = /^\d{1,2}(\.\d{1,2})?$/;
const SERIES = /^[A-Za-z0-9]{1,10}$/;
const SINGLE_ACCOUNTS = ['receivables', 'euRevenue', 'nonEuRevenue', 'exemptRevenue'] as const;
const RATE_MAPS = ['outputVat', 'domesticRevenue'] as const;

/** "25.0" and "25" are one rate: the invoice lines carry it normalized ("25", "12.5"). */
function normalizeRate(rate: string): string {
  return rate.includes('.') ? rate.replace(/\.?0+$/, '') : rate;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * BILLING_BOOKKEEPING_FILE: JSON `{ "voucherSeries": "F", "accounts": { "receivables": "1510",
 * "outputVat": { "25": "2611", "12": "2621", "6": "2631" }, "domesticRevenue": { "25": "3001",
 * "12": "3002", "6": "3003" }, "euRevenue": "3308", "nonEuRevenue": "3305", "exemptRevenue": "3004" },
 * "accountNames": { "3001": "..." } }`; every key optional, the rate maps merged with the defaults.
 */
export function loadBookkeepingConfig(env: Env = process.env): BookkeepingConfig {
  const file = env.BILLING_BOOKKEEPING_FILE;
  if (!file) return { accounts: BAS_ACCOUNTS, voucherSeries: DEFAULT_VOUCHER_SERIES };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`BILLING_BOOKKEEPING_FILE ${file}: ${(error as Error).message}`);
  }
  return parseBookkeepingConfig(raw, `BILLING_BOOKKEEPING_FILE ${file}`);
}

/** The file's content checked field by field; `source` prefixes every error. */
export function parseBookkeepingConfig(raw: unknown, source: string): BookkeepingConfig {
  const fail = (field: string, reason: string): never => {
    throw new ConfigError(`${source}: "${field}" ${reason}`);
  };
  const account = (field: string, value: unknown): string => {
    if (typeof value !== 'string' || !ACCOUNT.test(value))
      fail(field, `must be a 4-digit account number as a string, got ${JSON.stringify(value)}`);
    return value as string;
  };
  const unknownKeys = (field: string, value: Record<string, unknown>, known: readonly string[]) => {
    for (const key of Object.keys(value))
      if (!known.includes(key)) fail(field ? `${field}.${key}` : key, 'is not a known field');
  };

  if (!isObject(raw)) return fail('(file)', 'must be a JSON object');
  unknownKeys('', raw, ['voucherSeries', 'accounts', 'accountNames']);

  let voucherSeries = DEFAULT_VOUCHER_SERIES;
  if (raw.voucherSeries !== undefined) {
    if (typeof raw.voucherSeries !== 'string' || !SERIES.test(raw.voucherSeries))
      fail('voucherSeries', `must be 1-10 letters or digits, got ${JSON.stringify(raw.voucherSeries)}`);
    voucherSeries = raw.voucherSeries as string;
  }

  const accounts: BookkeepingAccounts = {
    ...BAS_ACCOUNTS,
    outputVat: { ...BAS_ACCOUNTS.outputVat },
    domesticRevenue: { ...BAS_ACCOUNTS.domesticRevenue },
    names: {},
  };
  if (raw.accounts !== undefined) {
    const given = raw.accounts;
    if (!isObject(given)) return fail('accounts', 'must be an object');
    unknownKeys('accounts', given, [...SINGLE_ACCOUNTS, ...RATE_MAPS]);
    for (const key of SINGLE_ACCOUNTS)
      if (given[key] !== undefined) accounts[key] = account(`accounts.${key}`, given[key]);
    for (const key of RATE_MAPS) {
      const map = given[key];
      if (map === undefined) continue;
      if (!isObject(map)) return fail(`accounts.${key}`, 'must be an object of VAT rate to account');
      for (const [rate, value] of Object.entries(map)) {
        if (!RATE.test(rate))
          fail(`accounts.${key}.${rate}`, 'must be keyed by a VAT rate in percent, e.g. "25" or "12.5"');
        accounts[key][normalizeRate(rate)] = account(`accounts.${key}.${rate}`, value);
      }
    }
  }

  if (raw.accountNames !== undefined) {
    const names = raw.accountNames;
    if (!isObject(names)) return fail('accountNames', 'must be an object of account number to name');
    for (const [number, name] of Object.entries(names)) {
      account(`accountNames.${number}`, number);
      if (typeof name !== 'string' || name.trim() === '' || name.length > 100)
        fail(`accountNames.${number}`, 'must be a name of 1-100 characters');
      accounts.names[number] = name as string;
    }
  }
  return { accounts, voucherSeries };
}
