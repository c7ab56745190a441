/**
 * JSON Schemas of the rule files. These objects are the source; rules/schema/*.schema.json are
 * copies for editors (test/rating/schemas.test.ts keeps them equal; `writeSchemaFiles` rewrites them).
 */
import { caseSchema } from './case-schema';
import { exchangeRatesSchema } from './exchange-rates-schema';
import { rulesetSchema } from './ruleset-schema';
import { calendarSchema, destinationsSchema, ratesSchema } from './table-schemas';

export const SCHEMAS = {
  'ruleset.schema.json': rulesetSchema,
  'destinations.schema.json': destinationsSchema,
  'rates.schema.json': ratesSchema,
  'calendar.schema.json': calendarSchema,
  'case.schema.json': caseSchema,
  'exchange-rates.schema.json': exchangeRatesSchema,
} as const;
