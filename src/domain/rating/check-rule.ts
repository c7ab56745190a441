/** Checks of one rule of ruleset.json: its conditions (facts, operators, values) and its event. */
import {
  closest,
  EVENT_TYPES,
  FACT_NAMES,
  FACTS,
  OPERATORS,
  operatorValueKind,
  type FactName,
  type FactSpec,
  type OperatorName,
} from './facts';
import type { DecimalCheck, Report } from './check-tables';
import type { ConditionJson, RuleJson } from './types';

interface Ctx {
  file: string;
  err: Report;
}

export function checkCondition(
  c: ConditionJson,
  p: string,
  root: boolean,
  x: Ctx & { zones: Set<string>; mentioned: Map<FactName, unknown[]> },
): void {
  if (c === null || typeof c !== 'object' || Array.isArray(c))
    return x.err(x.file, p, 'a condition is an object');
  const o = c as Record<string, unknown>;
  const bool = ['all', 'any', 'not'].filter((k) => k in o);
  if (bool.length > 1)
    return x.err(x.file, p, `use one of all/any/not per object, not ${bool.join(' and ')}`);
  if ('condition' in o)
    return x.err(x.file, `${p}.condition`, 'condition references are not supported; write the condition out');
  if (bool.length === 1) {
    const k = bool[0]!;
    if (k === 'not') return checkCondition(o.not as ConditionJson, `${p}.not`, false, x);
    const list = o[k];
    if (!Array.isArray(list)) return x.err(x.file, `${p}.${k}`, `"${k}" must be a list of conditions`);
    if (list.length === 0)
      x.err(x.file, `${p}.${k}`, `an empty "${k}" is always true; remove it or add conditions`);
    list.forEach((s, i) => checkCondition(s as ConditionJson, `${p}.${k}[${i}]`, false, x));
    return;
  }
  if (root) return x.err(x.file, p, 'the conditions must start with "all", "any" or "not"');
  for (const k of Object.keys(o)) {
    if (!['fact', 'operator', 'value', 'priority', 'name'].includes(k))
      x.err(x.file, `${p}.${k}`, `"${k}" is not supported in a condition (only fact, operator, value)`);
  }
  const fact = o.fact as string;
  if (!(typeof fact === 'string' && fact in FACTS)) {
    const hint = typeof fact === 'string' ? closest(fact, FACT_NAMES) : undefined;
    return x.err(
      x.file,
      `${p}.fact`,
      `unknown fact ${JSON.stringify(fact)}${hint ? ` (did you mean "${hint}"?)` : ''}; known facts: ${FACT_NAMES.join(', ')}`,
    );
  }
  const op = o.operator as string;
  if (!(OPERATORS as readonly string[]).includes(op)) {
    const hint = typeof op === 'string' ? closest(op, OPERATORS) : undefined;
    return x.err(
      x.file,
      `${p}.operator`,
      `unknown operator ${JSON.stringify(op)}${hint ? ` (did you mean "${hint}"?)` : ''}; operators: ${OPERATORS.join(', ')}`,
    );
  }
  const spec: FactSpec = FACTS[fact as FactName];
  const kind = operatorValueKind(op as OperatorName, spec.type);
  if (!kind)
    return x.err(x.file, `${p}.operator`, `operator ${op} does not apply to fact ${fact} (a ${spec.type})`);
  if (!('value' in o)) return x.err(x.file, `${p}.value`, 'a condition needs a value');
  const value = o.value;
  const scalarType = spec.type === 'string[]' ? 'string' : spec.type;
  const checkScalar = (val: unknown, vp: string) => {
    if (val !== null && typeof val === 'object')
      return (x.err(x.file, vp, 'fact references and objects are not supported as values'), false);
    if (typeof val !== scalarType)
      return (x.err(x.file, vp, `fact ${fact} is a ${scalarType}; got ${JSON.stringify(val)}`), false);
    const allowed = spec.values ?? (fact === 'zone' ? [...x.zones, ''] : undefined);
    if (allowed && !allowed.includes(val as string)) {
      const hint = closest(String(val), allowed);
      return (
        x.err(
          x.file,
          vp,
          `${JSON.stringify(val)} is not a ${fact === 'zone' ? 'zone in destinations' : `value of ${fact}`}${hint ? ` (did you mean "${hint}"?)` : ''}; known: ${allowed.filter((a) => a).join(', ')}`,
        ),
        false
      );
    }
    if (!x.mentioned.has(fact as FactName)) x.mentioned.set(fact as FactName, []);
    x.mentioned.get(fact as FactName)!.push(val);
    return true;
  };
  if (kind === 'array') {
    if (!Array.isArray(value)) return x.err(x.file, `${p}.value`, `operator ${op} needs a list of values`);
    value.forEach((e, i) => checkScalar(e, `${p}.value[${i}]`));
  } else checkScalar(value, `${p}.value`);
}

export function checkEvent(
  rule: RuleJson,
  p: string,
  x: Ctx & {
    cards: Record<string, unknown>;
    dec: DecimalCheck;
  },
): void {
  const e = rule.event as { type?: string; params?: Record<string, unknown> } | undefined;
  if (!e || typeof e !== 'object') return x.err(x.file, `${p}.event`, 'a rule needs an event');
  if (!(EVENT_TYPES as readonly string[]).includes(e.type as string))
    return x.err(
      x.file,
      `${p}.event.type`,
      `unknown event type ${JSON.stringify(e.type)}; use ${EVENT_TYPES.join(', ')}`,
    );
  const params = e.params ?? {};
  const allowed: Record<string, string[]> = {
    rate: ['rateCard'],
    reject: ['reason'],
    discount: ['percent', 'label'],
    surcharge: ['name', 'amount', 'perMinute'],
  };
  for (const k of Object.keys(params))
    if (!allowed[e.type!]!.includes(k))
      x.err(
        x.file,
        `${p}.event.params.${k}`,
        `unknown parameter "${k}" for a ${e.type} event; allowed: ${allowed[e.type!]!.join(', ')}`,
      );
  const pp = `${p}.event.params`;
  switch (e.type) {
    case 'rate':
      if (typeof params.rateCard !== 'string')
        x.err(x.file, `${pp}.rateCard`, 'a rate event names a rate card');
      else if (!Object.hasOwn(x.cards, params.rateCard)) {
        const hint = closest(params.rateCard, Object.keys(x.cards));
        x.err(
          x.file,
          `${pp}.rateCard`,
          `missing rate: no rate card ${JSON.stringify(params.rateCard)} in rates file${hint ? ` (did you mean "${hint}"?)` : ''}`,
        );
      }
      break;
    case 'reject':
      if (typeof params.reason !== 'string' || !params.reason)
        x.err(x.file, `${pp}.reason`, 'a reject event needs a reason');
      break;
    case 'discount':
      x.dec(x.file, `${pp}.percent`, params.percent, 'percent', { max: '100' });
      break;
    case 'surcharge':
      if (typeof params.name !== 'string' || !params.name)
        x.err(x.file, `${pp}.name`, 'a surcharge needs a name (e.g. the feature)');
      if (params.amount === undefined && params.perMinute === undefined)
        x.err(x.file, pp, 'a surcharge needs "amount" (per call) or "perMinute"');
      if (params.amount !== undefined) x.dec(x.file, `${pp}.amount`, params.amount, 'amount');
      if (params.perMinute !== undefined) x.dec(x.file, `${pp}.perMinute`, params.perMinute, 'perMinute');
      break;
  }
}
