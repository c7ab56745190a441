/** A rule of ruleset.json, compiled: its condition as a predicate, its event resolved. */
import { type Decimal, parseAmount } from '../money';
import { compileCondition, type Predicate } from './compile';
import type { CompiledRateCard } from './rate-card';
import type { ConditionJson, RuleJson } from './types';

export type CompiledEvent =
  | { type: 'rate'; card: CompiledRateCard; rateCard: string }
  | { type: 'reject'; reason: string }
  | { type: 'discount'; percent: Decimal; text: string; label?: string }
  | { type: 'surcharge'; name: string; amount?: Decimal; perMinute?: Decimal };

export interface CompiledRule {
  name: string;
  priority: number;
  index: number;
  predicate: Predicate;
  event: CompiledEvent;
  json: RuleJson;
}

/** `index` is the rule's place in the file (ties of priority go to the first). */
export function compileRule(
  rule: RuleJson,
  index: number,
  rateCards: ReadonlyMap<string, CompiledRateCard>,
): CompiledRule {
  return {
    name: rule.name,
    priority: rule.priority ?? 1,
    index,
    predicate: compileCondition(rule.conditions),
    event: compileEvent(rule, rateCards),
    json: rule,
  };
}

function compileEvent(rule: RuleJson, rateCards: ReadonlyMap<string, CompiledRateCard>): CompiledEvent {
  const e = rule.event;
  switch (e.type) {
    case 'rate': {
      const card = rateCards.get(e.params.rateCard);
      if (!card) throw new Error(`rule ${rule.name}: unknown rate card ${e.params.rateCard}`);
      return { type: 'rate', card, rateCard: e.params.rateCard };
    }
    case 'reject':
      return { type: 'reject', reason: e.params.reason };
    case 'discount':
      return {
        type: 'discount',
        percent: parseAmount(e.params.percent),
        text: e.params.percent,
        label: e.params.label,
      };
    case 'surcharge':
      return {
        type: 'surcharge',
        name: e.params.name,
        amount: e.params.amount !== undefined ? parseAmount(e.params.amount) : undefined,
        perMinute: e.params.perMinute !== undefined ? parseAmount(e.params.perMinute) : undefined,
      };
  }
}

/**
 * The values a fact must have for the condition to hold, when its top level says so ("all" with an
 * `equal` or `in` on the fact); undefined when the condition does not restrict the fact that way.
 */
export function requiredValues(c: ConditionJson, fact: string): unknown[] | undefined {
  if ('all' in c) {
    for (const s of c.all) {
      const r = requiredValues(s, fact);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if ('fact' in c && c.fact === fact) {
    if (c.operator === 'equal') return [c.value];
    if (c.operator === 'in' && Array.isArray(c.value)) return c.value as unknown[];
  }
  return undefined;
}
