export type {
  AccessType,
  Band,
  CalendarFileJson,
  ConditionJson,
  DestinationsFileJson,
  Explanation,
  ExplanationBand,
  PricingContext,
  RateCardJson,
  RatesFileJson,
  RatingOutcome,
  RoundingMethod,
  RuleEventJson,
  RuleJson,
  RuleSetFileJson,
  RuleSetPart,
  RuleSetSource,
  RuleViolation,
} from './types.js';
export { BANDS, RULE_SET_PARTS } from './types.js';
export { FACTS, FACT_NAMES, OPERATORS, EVENT_TYPES, type Facts, type FactName } from './facts.js';
export { compileCondition, OPERATOR_IMPL, type Predicate } from './compile.js';
export { CompiledRuleSet, type PeriodPricingMatch } from './compiled-rule-set.js';
export { RuleBook, type PeriodPricingInForce } from './rule-book.js';
export { billedSeconds, type CompiledRateCard } from './rate-card.js';
export type { PreparedCall } from './prepare.js';
export { validateRuleSet } from './validate.js';
export { buildRuleBook, type BuildResult } from './book.js';
export { PrefixTable } from './prefixes.js';
export { ReferenceRater, engineFor, engineFiredNames } from './reference.js';
