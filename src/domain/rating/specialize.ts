/**
 * Partial evaluation of rule conditions for facts known before the per-call work starts (a call's
 * access type and zone take few values, so the result is cached per pair). A condition on a known
 * fact becomes true or false by the very predicate compile.ts builds for it, so the residual holds
 * exactly when the whole condition does; rating then tests only the residual, and a rule whose
 * residual is constant is decided once per pair instead of once per call.
 */
import { compileCondition, type Predicate } from './compile';
import type { ConditionJson } from './types';

/** The condition with the known facts filled in: true, false, or what still depends on other facts. */
export function specializeCondition(
  c: ConditionJson,
  known: Readonly<Record<string, unknown>>,
): ConditionJson | boolean {
  if ('all' in c) {
    const rest: ConditionJson[] = [];
    for (const sub of c.all) {
      const r = specializeCondition(sub, known);
      if (r === false) return false;
      if (r !== true) rest.push(r);
    }
    return rest.length === 0 ? true : { all: rest };
  }
  if ('any' in c) {
    if (c.any.length === 0) return true; // json-rules-engine: any([]) is true
    const rest: ConditionJson[] = [];
    for (const sub of c.any) {
      const r = specializeCondition(sub, known);
      if (r === true) return true;
      if (r !== false) rest.push(r);
    }
    return rest.length === 0 ? false : { any: rest };
  }
  if ('not' in c) {
    const r = specializeCondition(c.not, known);
    return typeof r === 'boolean' ? !r : { not: r };
  }
  if (!Object.prototype.hasOwnProperty.call(known, c.fact)) return c;
  return compileCondition(c)(known);
}

/**
 * The rules that can fire when the known facts hold, in the given order: `rules[k]` fires when
 * `tests[k]` is undefined (its condition holds already) or returns true.
 */
export interface SpecializedRules {
  rules: number[];
  tests: (Predicate | undefined)[];
}

export function specializeRules(
  conditions: readonly ConditionJson[],
  order: readonly number[],
  known: Readonly<Record<string, unknown>>,
): SpecializedRules {
  const out: SpecializedRules = { rules: [], tests: [] };
  for (const i of order) {
    const r = specializeCondition(conditions[i]!, known);
    if (r === false) continue;
    out.rules.push(i);
    out.tests.push(r === true ? undefined : compileCondition(r));
  }
  return out;
}
