/**
 * Invoicing configuration: the seller printed on every invoice (BILLING_SELLER_FILE, JSON, checked
 * as Peppol BIS 3.0 will check it), demo mode (BILLING_DEMO), the exchange rates file, the
 * period-close scheduler (BILLING_CLOSE_INTERVAL_MS, BILLING_CLOSE_GRACE_HOURS) and the number
 * series. Read once at start-up by the composition root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { InvoicingSettings } from '../app/invoicing/invoicing-settings';
import type { ElectronicAddress, SellerParty } from '../domain/invoicing/types';
import { SWEDISH_ORG_SCHEME } from '../domain/parties/peppol-participant';
import { checkSeller } from '../domain/parties/seller-checks';
import { checkSwedishOrgNumber } from '../domain/parties/swedish-org-number';
import {
  describeViolations,
  EXCHANGE_RATES_FILE,
  exchangeRatesFile,
  parseExchangeRates,
} from '../rules-files/exchange-rates-file';
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
  /** Allowed but probably wrong (no F-tax note, an unusable rates file): logged at start-up. */
  warnings: string[];
}

/**
 * For local use and tests; set BILLING_SELLER_FILE in production. Without it no real number is issued
 * unless BILLING_DEMO=true (src/app/invoicing/issue-guard.ts). Its identifiers pass the same checks
 * as a real seller's (valid Luhn digits, a matching VAT number), so its documents validate too.
 */
export const DEFAULT_SELLER: SellerParty = {
  name: 'Example Conferencing AB',
  addressLines: ['Storgatan 1'],
  postalCode: '111 22',
  city: 'Stockholm',
  countryCode: 'SE',
  vatNumber: 'SE556000000101',
  registrationNumber: '556000-0001',
  email: 'billing@example.com',
  // ISO 13616's example IBAN: demo invoices in EUR need an IBAN and BIC too.
  bankAccount: { bankgiro: '123-4566', iban: 'SE45 5000 0000 0583 9825 7466', bic: 'ESSESESS' },
  taxRegistrationNote: 'Godkänd för F-skatt',
  electronicAddress: { scheme: '0007', id: '5560000001' },
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
const BANK_FIELDS = ['iban', 'bic', 'bankgiro', 'plusgiro'] as const;
/** Peppol SE-R-006: a Swedish seller charges only these standard rates. */
const SWEDISH_VAT_RATES = ['25', '12', '6'];

function flag(env: Env, name: string): boolean {
  const raw = env[name] ?? '';
  if (!['', 'true', 'false'].includes(raw))
    throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`);
  return raw === 'true';
}

/** bankAccount from the seller file: an object of the four known string fields. */
function bankAccountOf(raw: unknown, where: string): SellerParty['bankAccount'] {
  if (raw === undefined) return undefined;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`${where}: "bankAccount" must be an object`);
  const out: NonNullable<SellerParty['bankAccount']> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!(BANK_FIELDS as readonly string[]).includes(k))
      throw new ConfigError(`${where}: "bankAccount.${k}" is not a field (${BANK_FIELDS.join(', ')})`);
    if (typeof v !== 'string' || !v)
      throw new ConfigError(`${where}: "bankAccount.${k}" must be a non-empty string`);
    out[k as (typeof BANK_FIELDS)[number]] = v;
  }
  return out;
}

function electronicAddressOf(raw: unknown, where: string): ElectronicAddress | undefined {
  if (raw === undefined) return undefined;
  const o = raw as Record<string, unknown>;
  if (!o || typeof o !== 'object' || typeof o.scheme !== 'string' || typeof o.id !== 'string')
    throw new ConfigError(`${where}: "electronicAddress" must be { "scheme": "0007", "id": "5560000001" }`);
  return { scheme: o.scheme, id: o.id };
}

/** The seller's Peppol id when the file names none: a Swedish seller is reachable by its org number. */
function defaultElectronicAddress(seller: SellerParty): ElectronicAddress | undefined {
  if (seller.countryCode !== 'SE' || !seller.registrationNumber) return undefined;
  const org = checkSwedishOrgNumber(seller.registrationNumber);
  return org.ok ? { scheme: SWEDISH_ORG_SCHEME, id: org.value } : undefined;
}

/** Warnings about the rates file; it is read again at each issue, so a missing one is no error here. */
function ratesFileWarnings(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [`exchange rates file ${file} is missing: invoices in a foreign currency cannot be issued`];
  }
  const read = parseExchangeRates(file, text);
  return read.ok
    ? []
    : [
        `exchange rates file ${file} is invalid (invoices in a foreign currency cannot be issued): ${describeViolations(read.violations)}`,
      ];
}

/**
 * BILLING_SELLER_FILE: JSON `{ "name", "addressLines": [...], "postalCode", "city", "countryCode",
 * "vatNumber", "registrationNumber", "email", "phone", "website", "taxRegistrationNote",
 * "bankAccount": { "iban", "bic", "bankgiro", "plusgiro" }, "electronicAddress": { "scheme", "id" },
 * "vatRate": "25", "accountingCurrency": "SEK", "invoiceSeries": "INV", "creditNoteSeries": "CN",
 * "timeZone": "Europe/Stockholm" }`; only name and countryCode are required. Identifiers are checked
 * (src/domain/parties/seller-checks.ts): a bad one stops start-up with the field and the reason.
 */
export function loadInvoicingConfig(env: Env = process.env): InvoicingConfig {
  let seller = DEFAULT_SELLER;
  let vatRate = '25';
  let invoiceSeries = 'INV';
  let creditNoteSeries = 'CN';
  let timeZone = 'Europe/Stockholm';
  let accountingCurrency = 'SEK';
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
    const where = `BILLING_SELLER_FILE ${file}`;
    const bank = bankAccountOf(raw.bankAccount, where);
    const address = electronicAddressOf(raw.electronicAddress, where);
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
      ...(bank ? { bankAccount: bank } : {}),
      ...(address ? { electronicAddress: address } : {}),
    };
    const { violations } = checkSeller(seller);
    if (violations.length)
      throw new ConfigError(`${where}: ${violations.map((v) => `"${v.field}": ${v.reason}`).join('; ')}`);
    // Canonical forms where Peppol wants them (14 characters, no spaces); printed forms elsewhere.
    if (seller.vatNumber) seller.vatNumber = seller.vatNumber.replace(/\s+/g, '').toUpperCase();
    if (!seller.electronicAddress) {
      const fallback = defaultElectronicAddress(seller);
      if (fallback) seller.electronicAddress = fallback;
    }
    accountingCurrency = str('accountingCurrency') ?? accountingCurrency;
    if (!/^[A-Z]{3}$/.test(accountingCurrency))
      throw new ConfigError(`${where}: "accountingCurrency" must be an ISO 4217 code like "SEK"`);
    vatRate = str('vatRate') ?? vatRate;
    invoiceSeries = str('invoiceSeries') ?? invoiceSeries;
    creditNoteSeries = str('creditNoteSeries') ?? creditNoteSeries;
    timeZone = str('timeZone') ?? timeZone;
  }
  if (!DateTime.local().setZone(timeZone).isValid)
    throw new ConfigError(`seller timeZone ${JSON.stringify(timeZone)} is not an IANA zone`);
  const closeIssues = flag(env, 'BILLING_CLOSE_ISSUE');
  const demo = flag(env, 'BILLING_DEMO');
  const exampleSeller = !file;
  if (closeIssues && exampleSeller && !demo)
    throw new ConfigError(
      'BILLING_CLOSE_ISSUE=true issues invoices, which needs BILLING_SELLER_FILE (or BILLING_DEMO=true for the example seller)',
    );
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(vatRate))
    throw new ConfigError(`vatRate must be a percentage like "25", got ${JSON.stringify(vatRate)}`);
  if (seller.countryCode === 'SE' && !SWEDISH_VAT_RATES.includes(vatRate))
    throw new ConfigError(
      `vatRate ${JSON.stringify(vatRate)}: a Swedish seller charges 25, 12 or 6 percent (Peppol SE-R-006)`,
    );
  for (const s of [invoiceSeries, creditNoteSeries]) {
    if (!SERIES.test(s))
      throw new ConfigError(
        `invoice series must be 1-10 upper-case letters or digits, got ${JSON.stringify(s)}`,
      );
  }
  if (invoiceSeries === creditNoteSeries)
    throw new ConfigError('invoiceSeries and creditNoteSeries must differ');
  const ratesFile = path.resolve(
    env.BILLING_EXCHANGE_RATES_FILE || path.join(env.BILLING_RULES_DIR || './rules', EXCHANGE_RATES_FILE),
  );
  const warnings = [...checkSeller(seller).warnings, ...ratesFileWarnings(ratesFile)];
  if (exampleSeller)
    warnings.unshift(
      demo
        ? 'demo mode (BILLING_DEMO=true): invoices are numbered with the example seller; set BILLING_SELLER_FILE for real invoices'
        : 'no BILLING_SELLER_FILE: the example seller is used and issuing numbered invoices is refused until it is set',
    );
  return {
    seller,
    vatRate,
    accountingCurrency,
    exampleSeller,
    demo,
    exchangeRates: exchangeRatesFile(ratesFile),
    warnings,
    invoiceSeries,
    creditNoteSeries,
    timeZone,
    closeIssues,
    closeIntervalMs: nonNegativeInt(env, 'BILLING_CLOSE_INTERVAL_MS', 60_000),
    closeGraceHours: nonNegativeInt(env, 'BILLING_CLOSE_GRACE_HOURS', 72),
    closeParallelism: Math.max(1, nonNegativeInt(env, 'BILLING_CLOSE_PARALLELISM', 2)),
  };
}
