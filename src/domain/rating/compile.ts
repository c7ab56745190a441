/**
 * Compiles json-rules-engine conditions into plain predicates, once per rule set. The semantics copy
 * json-rules-engine 7.3.1 exactly (dist/engine-default-operators.js, dist/rule.js): the same operator
 * callbacks and fact validators, `all` and `any` of an empty list are true, results compared with
 * `=== true`. Condition priorities only change evaluation order, never the result, because our facts
 * are plain values. test/rating/compile-property.test.ts proves equality on random rule sets.
 */
import type { ConditionJson } from './types';
import type { OperatorName } from './facts';

export type Predicate = (facts: Record<string, unknown>) => boolean;

function numberValidator(factValue: unknown): boolean {
  return Number.parseFloat(factValue as string).toString() !== 'NaN';
}

/** `list.indexOf(x)` exactly as json-rules-engine calls it (validation makes `list` an array). */
function indexOf(list: unknown, x: unknown): number {
  return (list as { indexOf(x: unknown): number }).indexOf(x);
}

/** json-rules-engine compares with JS's < and >, whatever the operands' types (numbers, by validation). */
const num = (x: unknown) => x as number;

/** The operator callbacks of json-rules-engine, verbatim (validator && callback). */
export const OPERATOR_IMPL: Record<OperatorName, (a: unknown, b: unknown) => boolean> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => indexOf(b, a) > -1,
  notIn: (a, b) => indexOf(b, a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => numberValidator(a) && num(a) < num(b),
  lessThanInclusive: (a, b) => numberValidator(a) && num(a) <= num(b),
  greaterThan: (a, b) => numberValidator(a) && num(a) > num(b),
  greaterThanInclusive: (a, b) => numberValidator(a) && num(a) >= num(b),
};

export function compileCondition(c: ConditionJson): Predicate {
  if ('all' in c) {
    const subs = c.all.map(compileCondition);
    if (subs.length === 1) return subs[0]!;
    return (f) => {
      for (let i = 0; i < subs.length; i++) if (!subs[i]!(f)) return false;
      return true;
    };
  }
  if ('any' in c) {
    const subs = c.any.map(compileCondition);
    if (subs.length === 0) return () => true; // json-rules-engine: any([]) is true
    if (subs.length === 1) return subs[0]!;
    return (f) => {
      for (let i = 0; i < subs.length; i++) if (subs[i]!(f)) return true;
      return false;
    };
  }
  if ('not' in c) {
    const sub = compileCondition(c.not);
    return (f) => !sub(f);
  }
  const fact = c.fact;
  const value = c.value;
  switch (c.operator as OperatorName) {
    case 'equal':
      return (f) => f[fact] === value;
    case 'notEqual':
      return (f) => f[fact] !== value;
    case 'in': {
      const arr = value as unknown[];
      return (f) => arr.indexOf(f[fact]) > -1;
    }
    case 'notIn': {
      const arr = value as unknown[];
      return (f) => arr.indexOf(f[fact]) === -1;
    }
    default: {
      const op = OPERATOR_IMPL[c.operator as OperatorName];
      if (!op) throw new Error(`unknown operator ${c.operator}`);
      return (f) => op(f[fact], value) === true;
    }
  }
}
