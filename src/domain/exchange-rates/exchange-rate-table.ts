/**
 * The exchange rates finance keeps for stating VAT in the accounting currency (rules/exchange-rates.json):
 * one rate per foreign currency and date, in units of the accounting currency per one unit of the
 * foreign currency, as a decimal string.
 */
export interface ExchangeRate {
  /** ISO 4217 of the foreign currency, e.g. "EUR". */
  currency: string;
  /** The day the rate was published for, YYYY-MM-DD. */
  date: string;
  /** Units of the accounting currency per unit of `currency`, e.g. "11.0245". */
  rate: string;
  /** Where it comes from, e.g. "Riksbanken"; recorded on the invoice. */
  source?: string;
}

export interface ExchangeRateTable {
  /** ISO 4217 the rates convert into, e.g. "SEK". */
  accountingCurrency: string;
  /** A rate older than this many days on the issue date is too old to use. */
  maxAgeDays: number;
  rates: ExchangeRate[];
}

/** How old a rate may be when the file does not say: two weeks covers holidays and weekly rates. */
export const DEFAULT_MAX_AGE_DAYS = 14;
