/**
 * Invoicing configuration: the seller printed on every invoice (BILLING_SELLER_FILE, JSON), the
 * period-close scheduler (BILLING_CLOSE_INTERVAL_MS, BILLING_CLOSE_GRACE_HOURS) and the number
 * series. Read once at start-up by the composition root.
 */
import fs from 'node:fs';
import { DateTime } from 'luxon';
import type { InvoicingSettings } from '../app/invoicing/invoicing-settings';
import type { SellerParty } from '../domain/invoicing/types';
import { ConfigError } from './config';

/** The use cases' settings (src/app/invoicing/invoicing-settings.ts), and how the service runs closing. */
export interface InvoicingConfig extends InvoicingSettings {
  /** How often the scheduler looks for periods to close, ms; 0 disables it. */
  closeIntervalMs: number;
  /**
   * Closing transactions (1000 customers each) run side by side on a PostgreSQL server. Measured on a
   * 2-core machine (1M charges, `npm run bench:invoicing`): 1 → 40.5 s, 2 → 20.3-23.7 s, 3 → 27.2 s;
   * about the database's cores.
   */
  closeParallelism: number;
}

/** For local use and tests; set BILLING_SELLER_FILE in production. */
export const DEFAULT_SELLER: SellerParty = {
  name: 'Example Conferencing AB',
  addressLines: ['Storgatan 1'],
  postalCode: '111 22',
  city: 'Stockholm',
  countryCode: 'SE',
  vatNumber: 'SE556000000001',
  registrationNumber: '556000-0000',
  email: 'billing@example.com',
  bankAccount: { bankgiro: '000-0000' },
  taxRegistrationNote: 'Godkänd för F-skatt',
};

type Env = Record<string, string | undefined>;

function nonNegativeInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`${name} must be a whole number >= 0, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const SERIES = /^[A-Z][A-Z0-9]{0,9}$/;

/**
 * BILLING_SELLER_FILE: JSON `{ "name", "addressLines": [...], "postalCode", "city", "countryCode",
 * "vatNumber", "registrationNumber", "email", "phone", "website", "taxRegistrationNote",
 * "bankAccount": { "iban", "bic", "bankgiro", "plusgiro" }, "vatRate": "25",
 * "invoiceSeries": "INV", "creditNoteSeries": "CN", "timeZone": "Europe/Stockholm" }`; only name and countryCode are required.
 */
export function loadInvoicingConfig(env: Env = process.env): InvoicingConfig {
  let seller = DEFAULT_SELLER;
  let vatRate = '25';
  let invoiceSeries = 'INV';
  let creditNoteSeries = 'CN';
  let timeZone = 'Europe/Stockholm';
  const file = env.BILLING_SELLER_FILE;
  if (file) {
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`BILLING_SELLER_FILE ${file}: ${(error as Error).message}`);
    }
    const str = (k: string) => (typeof raw[k] === 'string' && raw[k] !== '' ? raw[k] : undefined);
    if (!str('name')) throw new ConfigError(`BILLING_SELLER_FILE ${file}: "name" is required`);
    const country = str('countryCode');
    if (!country || !/^[A-Z]{2}$/.test(country))
      throw new ConfigError(`BILLING_SELLER_FILE ${file}: "countryCode" must be ISO 3166-1 alpha-2`);
    const lines = raw.addressLines;
    if (lines !== undefined && !(Array.isArray(lines) && lines.every((l) => typeof l === 'string'))) {
      throw new ConfigError(`BILLING_SELLER_FILE ${file}: "addressLines" must be an array of strings`);
    }
    const bank = raw.bankAccount as Record<string, string> | undefined;
    seller = {
      name: str('name')!,
      addressLines: lines ?? [],
      countryCode: country,
      ...(str('postalCode') ? { postalCode: str('postalCode') } : {}),
      ...(str('city') ? { city: str('city') } : {}),
      ...(str('vatNumber') ? { vatNumber: str('vatNumber') } : {}),
      ...(str('registrationNumber') ? { registrationNumber: str('registrationNumber') } : {}),
      ...(str('email') ? { email: str('email') } : {}),
      ...(str('phone') ? { phone: str('phone') } : {}),
      ...(str('website') ? { website: str('website') } : {}),
      ...(str('taxRegistrationNote') ? { taxRegistrationNote: str('taxRegistrationNote') } : {}),
      ...(bank && typeof bank === 'object' ? { bankAccount: bank } : {}),
    };
    vatRate = str('vatRate') ?? vatRate;
    invoiceSeries = str('invoiceSeries') ?? invoiceSeries;
    creditNoteSeries = str('creditNoteSeries') ?? creditNoteSeries;
    timeZone = str('timeZone') ?? timeZone;
  }
  if (!DateTime.local().setZone(timeZone).isValid)
    throw new ConfigError(`seller timeZone ${JSON.stringify(timeZone)} is not an IANA zone`);
  const issue = env.BILLING_CLOSE_ISSUE ?? '';
  if (!['', 'true', 'false'].includes(issue))
    throw new ConfigError(`BILLING_CLOSE_ISSUE must be true or false, got ${JSON.stringify(issue)}`);
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(vatRate))
    throw new ConfigError(`vatRate must be a percentage like "25", got ${JSON.stringify(vatRate)}`);
  for (const s of [invoiceSeries, creditNoteSeries]) {
    if (!SERIES.test(s))
      throw new ConfigError(
        `invoice series must be 1-10 upper-case letters or digits, got ${JSON.stringify(s)}`,
      );
  }
  if (invoiceSeries === creditNoteSeries)
    throw new ConfigError('invoiceSeries and creditNoteSeries must differ');
  return {
    seller,
    vatRate,
    invoiceSeries,
    creditNoteSeries,
    timeZone,
    closeIssues: issue === 'true',
    closeIntervalMs: nonNegativeInt(env, 'BILLING_CLOSE_INTERVAL_MS', 60_000),
    closeGraceHours: nonNegativeInt(env, 'BILLING_CLOSE_GRACE_HOURS', 72),
    closeParallelism: Math.max(1, nonNegativeInt(env, 'BILLING_CLOSE_PARALLELISM', 2)),
  };
}
