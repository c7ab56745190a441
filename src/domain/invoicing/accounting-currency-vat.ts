/**
 * The VAT of a document in a foreign currency restated in the accounting currency (Swedish VAT act:
 * an invoice in another currency states the VAT in SEK too; EN 16931 BT-6/BT-111): the document's
 * VAT total × the rate, rounded once to 2 decimals (ROUND_HALF_UP, as every amount).
 */
import type { ExchangeRate } from '../exchange-rates/exchange-rate-table';
import { formatAmount, parseAmount, roundMoney } from '../money';
import type { AccountingCurrencyVat } from './types';

export function accountingCurrencyVat(
  vatTotal: string,
  accountingCurrency: string,
  rate: ExchangeRate,
): AccountingCurrencyVat {
  return {
    currency: accountingCurrency,
    rate: rate.rate,
    rateDate: rate.date,
    ...(rate.source ? { rateSource: rate.source } : {}),
    vatTotal: formatAmount(roundMoney(parseAmount(vatTotal).times(parseAmount(rate.rate)), 2), 2),
  };
}
