/**
 * Where issuing finds exchange rates: the file finance edits (src/rules-files/exchange-rates-file.ts
 * reads it, again whenever it changed), so a rate added today is used today without a restart.
 */
import type { ExchangeRateTable } from '../../domain/exchange-rates/exchange-rate-table';

export interface ExchangeRateSource {
  /** Named in refusals so finance knows which file to fix, e.g. "rules/exchange-rates.json". */
  location: string;
  /** The current table; rejects with the reason when the file is missing or invalid. */
  table(): Promise<ExchangeRateTable>;
}
