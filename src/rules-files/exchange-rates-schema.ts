/** The JSON Schema of rules/exchange-rates.json, the rates that restate VAT in the accounting currency. */
import { DRAFT } from './schema-parts';

export const exchangeRatesSchema = {
  $schema: DRAFT,
  $id: 'exchange-rates.schema.json',
  title: 'Exchange rates into the accounting currency (exchange-rates.json)',
  type: 'object',
  additionalProperties: false,
  required: ['accountingCurrency', 'rates'],
  properties: {
    $schema: { type: 'string' },
    description: { type: 'string', description: 'free text for the people who edit the file' },
    accountingCurrency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 4217, e.g. "SEK"' },
    maxAgeDays: {
      type: 'integer',
      minimum: 0,
      maximum: 366,
      description: 'a rate older than this on the issue date is not used (default 14)',
    },
    rates: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['currency', 'date', 'rate'],
        properties: {
          currency: {
            type: 'string',
            pattern: '^[A-Z]{3}$',
            description: 'ISO 4217 of the foreign currency',
          },
          date: {
            type: 'string',
            pattern: '^\\d{4}-\\d{2}-\\d{2}$',
            description: 'YYYY-MM-DD the rate is for',
          },
          rate: {
            type: 'string',
            pattern: '^\\d{1,12}(\\.\\d{1,10})?$',
            description: 'units of the accounting currency per one unit of the currency, e.g. "11.0245"',
          },
          source: {
            type: 'string',
            maxLength: 100,
            description: 'where the rate comes from, e.g. "Riksbanken"',
          },
        },
      },
    },
  },
} as const;
