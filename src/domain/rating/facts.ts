/**
 * The facts a rule may test, with their types, and the operators it may use. Anything else in a rule
 * file is an error (a typo'd fact name must never silently not fire).
 */
import { ACCESS_TYPES, FEATURES } from '../cdr';
import { BANDS } from './types';

export type FactType = 'string' | 'number' | 'boolean' | 'string[]';

export interface FactSpec {
  type: FactType;
  description: string;
  /** When the fact can only take these values, a condition using another value is an error. */
  values?: readonly string[];
}

export const FACTS = {
  accessType: {
    type: 'string',
    values: ACCESS_TYPES,
    description: 'local_dial_in, toll_free_dial_in, dial_out or web',
  },
  zone: {
    type: 'string',
    description: 'destination zone from destinations.json by longest prefix; "" when none applies',
  },
  matchedPrefix: { type: 'string', description: 'the prefix that gave the zone; "" when none' },
  customerAccount: { type: 'string', description: "the customer's account id" },
  contractId: { type: 'string', description: 'the contract in force at the call; "" when none' },
  pricePlan: { type: 'string', description: 'the contract\'s price plan; "" when none' },
  features: {
    type: 'string[]',
    values: FEATURES,
    description: 'features used on the leg (recording, operator_assistance, ...)',
  },
  durationSeconds: { type: 'number', description: 'billable seconds, before increments' },
  startHour: { type: 'number', description: "hour (0-23) of the call's start in the customer's time zone" },
  startWeekday: {
    type: 'number',
    description: 'ISO weekday of the start, 1 = Monday ... 7 = Sunday, customer time zone',
  },
  startBand: {
    type: 'string',
    values: BANDS,
    description: 'time band at the start: peak, offpeak, weekend or holiday',
  },
  calledNumber: { type: 'string', description: 'E.164 called number; "" when unknown' },
  callerNumber: { type: 'string', description: 'E.164 caller number; "" when unknown' },
  conferenceId: { type: 'string', description: 'conference id' },
  bridgeId: { type: 'string', description: 'bridge id' },
  hasBooking: { type: 'boolean', description: 'true when the conference was booked' },
} as const satisfies Record<string, FactSpec>;

export type FactName = keyof typeof FACTS;
export const FACT_NAMES = Object.keys(FACTS) as FactName[];

/** The values given to the rules for one call. Every fact always has a value of its type. */
export interface Facts {
  accessType: string;
  zone: string;
  matchedPrefix: string;
  customerAccount: string;
  contractId: string;
  pricePlan: string;
  features: string[];
  durationSeconds: number;
  startHour: number;
  startWeekday: number;
  startBand: string;
  calledNumber: string;
  callerNumber: string;
  conferenceId: string;
  bridgeId: string;
  hasBooking: boolean;
}

export const OPERATORS = [
  'equal',
  'notEqual',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
] as const;
export type OperatorName = (typeof OPERATORS)[number];

/** Which operators fit which fact types, and what the condition's `value` must be. */
export function operatorValueKind(
  op: OperatorName,
  factType: FactType,
): 'scalar' | 'array' | 'element' | undefined {
  switch (op) {
    case 'equal':
    case 'notEqual':
      return factType === 'string[]' ? undefined : 'scalar';
    case 'lessThan':
    case 'lessThanInclusive':
    case 'greaterThan':
    case 'greaterThanInclusive':
      return factType === 'number' ? 'scalar' : undefined;
    case 'in':
    case 'notIn':
      return factType === 'string[]' ? undefined : 'array';
    case 'contains':
    case 'doesNotContain':
      return factType === 'string[]' ? 'element' : undefined;
  }
}

export const EVENT_TYPES = ['rate', 'reject', 'discount', 'surcharge'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Edit distance, for "did you mean" in error messages. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
