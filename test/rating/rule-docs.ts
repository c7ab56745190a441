/**
 * Typed access to parsed rule files for tests that edit them. The tests write wrong values on purpose
 * (that is what the checks must refuse): `wrong` says so where a value breaks the file's type.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type {
  CalendarFileJson,
  ConditionJson,
  DestinationsFileJson,
  RateCardJson,
  RatesFileJson,
  RuleJson,
  RuleSetFileJson,
} from '../../src/domain/rating/index';
import type { RateKey, RateSlotJson } from '../../src/domain/rating/types';

export interface RuleSetDocs {
  ruleset: RuleSetFileJson;
  destinations: DestinationsFileJson;
  rates: RatesFileJson;
  calendar: CalendarFileJson;
}

export type FactCondition = Extract<ConditionJson, { fact: string }>;

/** A value of another type than the file's, written on purpose for a check to refuse. */
export function wrong<T>(value: unknown): T {
  return value as T;
}

/** Edits a JSON file in place. */
export async function editJson<T>(file: string, edit: (doc: T) => void): Promise<void> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as T;
  edit(doc);
  await writeFile(file, JSON.stringify(doc, null, 2));
}

export function ruleNamed(doc: RuleSetFileJson, name: string): RuleJson {
  const rule = doc.rules.find((r) => r.name === name);
  if (!rule) throw new Error(`no rule ${JSON.stringify(name)}`);
  return rule;
}

/** Condition `i` of the rule's top-level "all", which must be a fact condition. */
export function condition(rule: RuleJson, i: number): FactCondition {
  const all = 'all' in rule.conditions ? rule.conditions.all : undefined;
  const c = all?.[i];
  if (!c || !('fact' in c)) throw new Error(`rule ${rule.name} has no fact condition all[${i}]`);
  return c;
}

/** The parameters of a rule's event, as a record a test may add unknown ones to. */
export function eventParams(rule: RuleJson): Record<string, unknown> {
  return rule.event.params;
}

export function rateCard(doc: RatesFileJson, name: string): RateCardJson {
  const card = doc.rateCards[name];
  if (!card) throw new Error(`no rate card ${name}`);
  return card;
}

/** Slot `i` of a rate card's rates for `key`. */
export function slot(doc: RatesFileJson, card: string, key: RateKey, i = 0): RateSlotJson {
  const s = rateCard(doc, card).rates[key]?.[i];
  if (!s) throw new Error(`rate card ${card} has no ${key}[${i}]`);
  return s;
}
