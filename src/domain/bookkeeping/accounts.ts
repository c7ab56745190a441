/**
 * The ledger accounts an invoice or credit note is booked on, with the BAS chart's defaults. Which
 * revenue account a line goes to follows its VAT treatment (EN 16931 category), not its product:
 * that is what the VAT return (momsdeklarationen) needs, and what BAS's 30xx/33xx accounts separate.
 */
import type { VatCategory } from '../invoicing/types';

/** A BAS account number: four digits. */
export type AccountNumber = string;

export interface BookkeepingAccounts {
  /** Accounts receivable (Kundfordringar): debited with the gross. */
  receivables: AccountNumber;
  /** Output VAT per VAT rate in percent ("25", "12", "6"): credited with that rate's VAT. */
  outputVat: Record<string, AccountNumber>;
  /** Revenue on domestic lines (category S) per VAT rate. */
  domesticRevenue: Record<string, AccountNumber>;
  /** Services to a business in another EU country, reverse charge (AE) and intra-EU exempt (K). */
  euRevenue: AccountNumber;
  /** Services outside the EU (O, outside the scope of Swedish VAT; G, export). */
  nonEuRevenue: AccountNumber;
  /** Domestic sales without VAT: zero rated (Z) and exempt (E). */
  exemptRevenue: AccountNumber;
  /** Names written to the file (#KONTO) for accounts whose default name does not fit. */
  names: Record<AccountNumber, string>;
}

export const BAS_ACCOUNTS: BookkeepingAccounts = {
  receivables: '1510',
  outputVat: { '25': '2611', '12': '2621', '6': '2631' },
  domesticRevenue: { '25': '3001', '12': '3002', '6': '3003' },
  euRevenue: '3308',
  nonEuRevenue: '3305',
  exemptRevenue: '3004',
  names: {},
};

/** BAS names of the default accounts; an account configured without a name gets its role's name. */
const BAS_NAMES: Record<AccountNumber, string> = {
  '1510': 'Kundfordringar',
  '2611': 'Utgående moms på försäljning inom Sverige, 25 %',
  '2621': 'Utgående moms på försäljning inom Sverige, 12 %',
  '2631': 'Utgående moms på försäljning inom Sverige, 6 %',
  '3001': 'Försäljning inom Sverige, 25 % moms',
  '3002': 'Försäljning inom Sverige, 12 % moms',
  '3003': 'Försäljning inom Sverige, 6 % moms',
  '3004': 'Försäljning inom Sverige, momsfri',
  '3305': 'Försäljning tjänster till land utanför EU',
  '3308': 'Försäljning tjänster till annat EU-land',
};

/** What an account is for, when it is none of BAS's defaults and the configuration names none. */
export type AccountRole =
  | { kind: 'receivables' }
  | { kind: 'output_vat'; rate: string }
  | { kind: 'domestic_revenue'; rate: string }
  | { kind: 'eu_revenue' }
  | { kind: 'non_eu_revenue' }
  | { kind: 'exempt_revenue' };

export function accountName(accounts: BookkeepingAccounts, number: AccountNumber, role: AccountRole): string {
  const named = accounts.names[number] ?? BAS_NAMES[number];
  if (named) return named;
  switch (role.kind) {
    case 'receivables':
      return 'Kundfordringar';
    case 'output_vat':
      return `Utgående moms ${role.rate} %`;
    case 'domestic_revenue':
      return `Försäljning inom Sverige, ${role.rate} % moms`;
    case 'eu_revenue':
      return 'Försäljning tjänster till annat EU-land';
    case 'non_eu_revenue':
      return 'Försäljning tjänster till land utanför EU';
    case 'exempt_revenue':
      return 'Försäljning inom Sverige, momsfri';
  }
}

/**
 * The revenue account of a VAT category and rate, and its role; undefined for a domestic rate
 * without an account (the export refuses such a document rather than book it on a wrong account).
 */
export function revenueAccount(
  accounts: BookkeepingAccounts,
  category: VatCategory,
  rate: string,
): { number: AccountNumber; role: AccountRole } | undefined {
  switch (category) {
    case 'S': {
      const number = accounts.domesticRevenue[rate];
      return number ? { number, role: { kind: 'domestic_revenue', rate } } : undefined;
    }
    case 'AE':
    case 'K':
      return { number: accounts.euRevenue, role: { kind: 'eu_revenue' } };
    case 'O':
    case 'G':
      return { number: accounts.nonEuRevenue, role: { kind: 'non_eu_revenue' } };
    case 'Z':
    case 'E':
      return { number: accounts.exemptRevenue, role: { kind: 'exempt_revenue' } };
  }
}
