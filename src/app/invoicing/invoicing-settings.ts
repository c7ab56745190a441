/**
 * The settings the invoicing use cases read: who sells, at what VAT rate, in which number series and
 * "today" in which zone, and how the scheduler closes. The composition root builds them from the
 * configuration (src/config/invoicing-config.ts); the use cases never read configuration themselves.
 */
import type { SellerParty } from '../../domain/invoicing/types';

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
}
