/**
 * The settings the invoicing use cases read: who sells, at what VAT rate, in which number series and
 * "today" in which zone, and how the scheduler closes. The composition root builds them from the
 * configuration (src/config/invoicing-config.ts); the use cases never read configuration themselves.
 */
import type { SellerParty } from '../../domain/invoicing/types';
import type { ExchangeRateSource } from './exchange-rate-source';

export interface InvoicingSettings {
  seller: SellerParty;
  /** VAT rate in percent for domestic (and EU non-business) buyers, e.g. "25". */
  vatRate: string;
  /** Number series of invoices and of credit notes (separate, each unbroken per year). */
  invoiceSeries: string;
  creditNoteSeries: string;
  /** IANA zone of the seller: "today" for issue dates. */
  timeZone: string;
  /** The scheduler issues the invoices it closes (else they stay drafts for a specialist to issue). */
  closeIssues: boolean;
  /** A period closes this long after its end, for late CDRs. */
  closeGraceHours: number;
  /** ISO 4217 the seller keeps its books in ("SEK"): VAT of a document in another currency is stated in it too. */
  accountingCurrency: string;
  /** The seller is the built-in example (no BILLING_SELLER_FILE): numbers are not issued for it... */
  exampleSeller: boolean;
  /** ... unless this is a demo (BILLING_DEMO=true). See ./issue-guard.ts. */
  demo: boolean;
  /** The rates that restate VAT in the accounting currency at issue (rules/exchange-rates.json). */
  exchangeRates: ExchangeRateSource;
}
