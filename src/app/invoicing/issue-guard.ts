/**
 * What must hold before a document gets a real number, shared by every path that numbers one
 * (IssueInvoice, credit notes, closing with issue, the scheduler, rerate corrections), so gRPC and
 * the command line refuse alike:
 * - a configured seller: numbers are gapless and never reused, so an invoice numbered under the
 *   example seller could never be withdrawn, only credited;
 * - a document in a currency other than the accounting currency needs an IBAN and BIC to be paid,
 *   and its VAT restated at the rate for its issue date, recorded in the same transaction as the number;
 *   a credit note restates it at the rate recorded on the invoice it credits (a correction reduces
 *   the output VAT reported for the original supply, so a full credit cancels it exactly in SEK),
 *   while a supplementary invoice, a new supply, takes the rate of its own date.
 */
import { FailedPreconditionError } from '../../domain/errors';
import { rateOn } from '../../domain/exchange-rates/rate-on';
import type { ExchangeRateTable } from '../../domain/exchange-rates/exchange-rate-table';
import { accountingCurrencyVat } from '../../domain/invoicing/accounting-currency-vat';
import type { InvoicingSettings } from './invoicing-settings';
import type { IssueOptions, IssuingDocument } from './ports';

export type IssueGuardSettings = Pick<
  InvoicingSettings,
  'exampleSeller' | 'demo' | 'accountingCurrency' | 'exchangeRates' | 'seller'
>;

export function assertSellerConfigured(settings: Pick<InvoicingSettings, 'exampleSeller' | 'demo'>): void {
  if (settings.exampleSeller && !settings.demo)
    throw new FailedPreconditionError(
      'no seller is configured: set BILLING_SELLER_FILE to the seller printed on invoices before issuing ' +
        'numbered documents (or BILLING_DEMO=true to issue with the example seller, for trying the service out)',
    );
}

/**
 * The options numbering takes (the caller adds the series), after the seller check: the issue date
 * and what to record on each document as it is numbered, or why it may not be.
 */
export async function issueOptions(
  settings: IssueGuardSettings,
  issueDate: string,
): Promise<Omit<IssueOptions, 'series'>> {
  assertSellerConfigured(settings);
  // Read before the transaction; a broken file matters only to a document that needs a rate.
  let table: ExchangeRateTable | undefined;
  let unreadable: string | undefined;
  try {
    table = await settings.exchangeRates.table();
  } catch (error) {
    unreadable = (error as Error).message;
  }
  return {
    issueDate,
    stamp: (doc: IssuingDocument) => {
      // Issued by the seller configured now, whatever the draft was closed under.
      const seller = settings.seller;
      if (doc.currency === settings.accountingCurrency) return { seller };
      const bank = seller.bankAccount;
      if (!bank?.iban || !bank.bic)
        throw new FailedPreconditionError(
          `document ${doc.id} is in ${doc.currency}, not ${settings.accountingCurrency}: a foreign-currency invoice needs ` +
            'an IBAN and BIC to be paid, and the seller has none (bankAccount.iban and bankAccount.bic in BILLING_SELLER_FILE)',
        );
      const recorded = doc.credited?.accountingCurrencyVat;
      if (recorded) {
        if (recorded.currency !== settings.accountingCurrency)
          throw new FailedPreconditionError(
            `credit note ${doc.id}: the invoice it credits states its VAT in ${recorded.currency}, but the accounting currency is ${settings.accountingCurrency}`,
          );
        const rate = {
          currency: doc.currency,
          rate: recorded.rate,
          date: recorded.rateDate,
          ...(recorded.rateSource ? { source: recorded.rateSource } : {}),
        };
        return {
          seller,
          accountingCurrencyVat: accountingCurrencyVat(doc.vatTotal, recorded.currency, rate),
        };
      }
      const where = settings.exchangeRates.location;
      if (!table)
        throw new FailedPreconditionError(
          `document ${doc.id} is in ${doc.currency}: its VAT must be stated in ${settings.accountingCurrency}, but the exchange rates file ${where} cannot be used: ${unreadable ?? 'not read'}`,
        );
      if (table.accountingCurrency !== settings.accountingCurrency)
        throw new FailedPreconditionError(
          `the exchange rates file ${where} converts into ${table.accountingCurrency}, but the accounting currency is ${settings.accountingCurrency}`,
        );
      // A credit note of an invoice that recorded no rate (numbered before rates were recorded): the
      // rate of that invoice's issue date, the one it would have recorded.
      const date = doc.credited?.issueDate ?? issueDate;
      const found = rateOn(table, doc.currency, date);
      if (!found.ok)
        throw new FailedPreconditionError(
          `no exchange rate for ${doc.currency} on ${date} in ${where} (${found.reason}): add one dated on or before ${date} to issue document ${doc.id}`,
        );
      return {
        seller,
        accountingCurrencyVat: accountingCurrencyVat(doc.vatTotal, settings.accountingCurrency, found.rate),
      };
    },
  };
}
