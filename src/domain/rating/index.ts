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
export {
  CompiledRuleSet,
  RuleBook,
  billedSeconds,
  type CompiledRateCard,
  type PreparedCall,
} from './ruleset.js';
export { validateRuleSet } from './validate.js';
export { buildRuleBook, type BuildResult } from './book.js';
export { PrefixTable } from './prefixes.js';
export { ReferenceRater, engineFor, engineFiredNames } from './reference.js';
