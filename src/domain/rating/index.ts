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
export { RuleBook, noPriceListReason, type PeriodPricingInForce } from './rule-book';
export { builtInDisplayNames, type DisplayNames } from './display-names';
export { billedSeconds, type CompiledRateCard } from './rate-card';
export type { PreparedCall } from './prepare';
export { validateRuleSet } from './validate';
export { buildRuleBook, type BuildResult } from './book';
export { PrefixTable } from './prefixes';
export { ReferenceRater, engineFor, engineFiredNames } from './reference';
export { priceCallDecimal } from './price-reference';
export { isIntegerPriced, ratedQuantities } from './price';
