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
} from './types';
export { BANDS, RULE_SET_PARTS } from './types';
export { FACTS, FACT_NAMES, OPERATORS, EVENT_TYPES, type Facts, type FactName } from './facts';
export { compileCondition, OPERATOR_IMPL, type Predicate } from './compile';
export { CompiledRuleSet, type PeriodPricingMatch } from './compiled-rule-set';
export { RuleBook, type PeriodPricingInForce } from './rule-book';
export { billedSeconds, type CompiledRateCard } from './rate-card';
export type { PreparedCall } from './prepare';
export { validateRuleSet } from './validate';
export { buildRuleBook, type BuildResult } from './book';
export { PrefixTable } from './prefixes';
export { ReferenceRater, engineFor, engineFiredNames } from './reference';
