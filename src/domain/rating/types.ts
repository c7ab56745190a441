/**
 * The rating domain's types: what a rule set is made of (as read from files), what the service knows
 * about the customer, and what rating returns. Amounts are decimal strings at every boundary.
 */
import type { AccessType } from '../cdr';
import type { PeriodPricingRules } from '../invoicing/period-pricing-rules';
import type { ChargePart } from './charge-parts';

export type { AccessType, PeriodPricingRules };

/** One error in a rule set: the file, the JSON path inside it ($.rules[3].conditions.all[0].fact) and why. */
export interface RuleViolation {
  file: string;
  jsonPath: string;
  reason: string;
}

// ---------------------------------------------------------------- the files, as parsed JSON

export type RoundingMethod = 'half_up' | 'half_even' | 'half_down' | 'up' | 'down' | 'ceiling' | 'floor';

/** A json-rules-engine condition, restricted to what we compile (no path, params or condition references). */
export type ConditionJson =
  | { all: ConditionJson[]; priority?: number }
  | { any: ConditionJson[]; priority?: number }
  | { not: ConditionJson; priority?: number }
  | { fact: string; operator: string; value: unknown; priority?: number };

export type RuleEventJson =
  | { type: 'rate'; params: { rateCard: string } }
  | { type: 'reject'; params: { reason: string } }
  | { type: 'discount'; params: { percent: string; label?: string } }
  | { type: 'surcharge'; params: { name: string; amount?: string; perMinute?: string } };

/** A rule in json-rules-engine format. `name` is required by us: it is what a charge records as fired. */
export interface RuleJson {
  name: string;
  priority?: number;
  conditions: ConditionJson;
  event: RuleEventJson;
  /** Free text for finance; ignored by the engine. */
  description?: string;
}

/** ruleset.json: our envelope around the json-rules-engine rules. */
export interface RuleSetFileJson {
  $schema?: string;
  name: string;
  version: string;
  /** ISO 8601 with offset, e.g. 2025-01-01T00:00:00+01:00. Calls starting at or after it use this set. */
  effectiveFrom: string;
  currency: string;
  defaultTimeZone: string;
  rounding: { method: RoundingMethod; decimals: number };
  /** Which number gives the destination zone, per access type. Access types not listed have zone "". */
  zoneBy?: Partial<Record<AccessType, 'calledNumber' | 'callerNumber'>>;
  description?: string;
  rules: RuleJson[];
  /** Per-billing-period pricing (volume tiers, minimum commitment, included minutes) by contract price plan. */
  periodPricing?: PeriodPricingFileJson;
  /** Display names of access types (e.g. "dial_out": "Dial-out"), for invoices; the built-in labels otherwise. */
  accessTypeNames?: Partial<Record<AccessType, string>>;
}

/**
 * The `periodPricing` section of ruleset.json. Each plan maps 1:1 onto the invoicing domain's
 * PeriodPricingRules (src/domain/invoicing/period-pricing-rules.ts), so invoicing uses it as it stands.
 */
export interface PeriodPricingFileJson {
  /** Free text for finance. */
  description?: string;
  /**
   * Contract price plan (the contract's `pricePlan`) -> its period pricing. `"*"` applies to a customer
   * whose plan has no entry, or who has no plan or contract. At least one plan.
   */
  plans: Record<string, PeriodPricingRules>;
}

/** The plan key of the fallback entry in `periodPricing.plans`. */
export const PERIOD_PRICING_FALLBACK_PLAN = '*';

/** destinations.json: E.164 prefixes (with +) to zones; the longest matching prefix wins. */
export interface DestinationsFileJson {
  $schema?: string;
  prefixes: Record<string, string>;
  /** About the zones of `prefixes`: a display name for invoices ("Nordic mobile networks"). Optional. */
  zones?: Record<string, { displayName?: string }>;
}

export const BANDS = ['peak', 'offpeak', 'weekend', 'holiday'] as const;
export type Band = (typeof BANDS)[number];
/** Keys a rate card may give rates under: a band, or `any` (every band without its own entry). */
export type RateKey = Band | 'any';

export interface RateSlotJson {
  /** The slot applies from this second of the call on (0 for the first slot): "a rate that changes after N seconds". */
  fromSecond: number;
  /** Price per `rateUnit` seconds. */
  rate: string;
}

export interface RateCardJson {
  description?: string;
  /** Seconds the rate is quoted for: 60 = per minute. */
  rateUnit: number;
  /** The first billed chunk in seconds (a call shorter than this pays for it in full). */
  firstIncrement: number;
  /** Every further chunk in seconds: the rest of the call is rounded up to a multiple of it. */
  nextIncrement: number;
  connectFee?: string;
  minimumCharge?: string;
  maximumCharge?: string;
  rates: Partial<Record<RateKey, RateSlotJson[]>>;
}

/** rates.json: named rate cards that `rate` events refer to. */
export interface RatesFileJson {
  $schema?: string;
  rateCards: Record<string, RateCardJson>;
}

/** calendar.json: which local times are peak, which days are weekend and holidays. */
export interface CalendarFileJson {
  $schema?: string;
  /** ISO weekdays (1 = Monday ... 7 = Sunday) that are weekend. */
  weekendDays: number[];
  /** Peak windows in local time, "HH:MM" to "HH:MM" (end exclusive, "24:00" allowed), on the listed ISO weekdays. */
  peak: { days: number[]; from: string; to: string }[];
  /** Local dates (YYYY-MM-DD) priced as holiday. */
  holidays: string[];
}

/** The files of a rule set (each `<part>.json`), in the order the archive keeps them. */
export const RULE_SET_PARTS = ['ruleset', 'destinations', 'rates', 'calendar'] as const;
export type RuleSetPart = (typeof RULE_SET_PARTS)[number];

/** One rule set as read from disk (by src/rules-files), before checking and compiling. */
export interface RuleSetSource {
  /** File names as they should appear in error messages, e.g. "standard-2025/ruleset.json". */
  files: { ruleset: string; destinations: string; rates: string; calendar: string };
  ruleset: RuleSetFileJson;
  destinations: DestinationsFileJson;
  rates: RatesFileJson;
  calendar: CalendarFileJson;
  /** sha256 over the files' contents, computed by whoever read them. */
  hash: string;
}

// ---------------------------------------------------------------- pricing input and output

/** What the service knows about the customer at the call's time. */
export interface PricingContext {
  customerAccount: string;
  /**
   * The customer's currency (ISO 4217): the price list of this currency prices the call. Absent: list
   * prices, in the rule book's list-price currency (RuleBook.listPriceCurrency).
   */
  currency?: string;
  /** IANA time zone; falls back to the rule set's default. */
  timeZone?: string;
  contract?: {
    id: string;
    discountPercent?: string;
    specialPrices?: { accessType: AccessType; zone?: string; ratePerMinute: string }[];
    pricePlan?: string;
  };
}

export interface ExplanationBand {
  /** The time band, with the rate slot when the rate changes during the call: "peak", "offpeak from 600 s". */
  name: string;
  /** Seconds of the call in this band (and slot). */
  seconds: number;
  /** Seconds billed after increments. */
  billedSeconds: number;
  /** The rate applied, per `rateUnit` seconds, as in the rate card or contract. */
  rate: string;
  /** billedSeconds x rate / rateUnit, unrounded (shown to 6 decimals at most). */
  amount: string;
}

export interface Explanation {
  zone?: string;
  matchedPrefix?: string;
  bands: ExplanationBand[];
  connectFee?: string;
  minimumApplied?: string;
  capApplied?: string;
  discount?: string;
  surcharges: { feature: string; amount: string }[];
  /** e.g. "half_up to 2 decimals". */
  rounding: string;
  unrounded: string;
  steps: { text: string; amount?: string }[];
  summary: string;
}

/**
 * What rating a call answers. Read it, spread it or JSON it; do not structuredClone it: a rated
 * outcome of the integer path builds its explanation and parts on first read (a Proxy, see
 * integer-outcome.ts), which the structured clone algorithm refuses. Copy with `{ ...outcome }`.
 */
export type RatingOutcome =
  | {
      rated: true;
      amount: string;
      currency: string;
      ruleSetHash: string;
      ruleSetVersion: string;
      firedRules: string[];
      explanation: Explanation;
      /** What the price is made of, typed, for invoice lines (./charge-parts.ts). */
      parts: ChargePart[];
    }
  | { rated: false; reason: string };
