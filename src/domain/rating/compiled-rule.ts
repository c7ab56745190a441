/** A rule of ruleset.json, compiled: its condition as a predicate, its event resolved. */
import { type Decimal, parseAmount } from '../money';
import { compileCondition, type Predicate } from './compile';
import { parseScaled, scaleOf, toUnits, type Scaled } from './integer-money';
import type { CompiledRateCard } from './rate-card';
import type { RuleJson } from './types';

export type CompiledEvent =
  | { type: 'rate'; card: CompiledRateCard; rateCard: string }
  | { type: 'reject'; reason: string }
  | { type: 'discount'; percent: Decimal; text: string; label?: string; scaled: Scaled }
  | {
      type: 'surcharge';
      name: string;
      amount?: Decimal;
      perMinute?: Decimal;
      /** amount and perMinute as units at the rule set's scale (0 when absent, NaN when too large). */
      amountUnits: number;
      perMinuteUnits: number;
    };

export interface CompiledRule {
  name: string;
  priority: number;
  index: number;
  predicate: Predicate;
  event: CompiledEvent;
  json: RuleJson;
}

/** The most decimal places of an amount in the rule's event (surcharges; discounts keep their own). */
export function eventScale(rule: RuleJson): number {
  const e = rule.event;
  if (e.type !== 'surcharge') return 0;
  return Math.max(scaleOf(e.params.amount ?? ''), scaleOf(e.params.perMinute ?? ''));
}

/**
 * `index` is the rule's place in the file (ties of priority go to the first); `scale` the decimal
 * places of the integer units of surcharge amounts (the rule set's money scale).
 */
export function compileRule(
  rule: RuleJson,
  index: number,
  rateCards: ReadonlyMap<string, CompiledRateCard>,
  scale: number = eventScale(rule),
): CompiledRule {
  return {
    name: rule.name,
    priority: rule.priority ?? 1,
    index,
    predicate: compileCondition(rule.conditions),
    event: compileEvent(rule, rateCards, scale),
    json: rule,
  };
}

function compileEvent(
  rule: RuleJson,
  rateCards: ReadonlyMap<string, CompiledRateCard>,
  scale: number,
): CompiledEvent {
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
        scaled: parseScaled(e.params.percent),
      };
    case 'surcharge':
      return {
        type: 'surcharge',
        name: e.params.name,
        amount: e.params.amount !== undefined ? parseAmount(e.params.amount) : undefined,
        perMinute: e.params.perMinute !== undefined ? parseAmount(e.params.perMinute) : undefined,
        amountUnits: e.params.amount !== undefined ? toUnits(e.params.amount, scale) : 0,
        perMinuteUnits: e.params.perMinute !== undefined ? toUnits(e.params.perMinute, scale) : 0,
      };
  }
}
