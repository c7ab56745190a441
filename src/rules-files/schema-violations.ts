/** The rule files' JSON Schemas (ajv), and their errors as violations a rule author can act on. */
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closest } from '../domain/rating/facts';
import type { RuleViolation } from '../domain/rating/types';
import { SCHEMAS } from './schemas';

const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validators = new Map<string, ValidateFunction>();
export function schemaValidator(name: keyof typeof SCHEMAS): ValidateFunction {
  let v = validators.get(name);
  if (!v) validators.set(name, (v = ajv.compile(SCHEMAS[name] as object)));
  return v;
}

/** "/rules/3/conditions/all/0/fact" -> "$.rules[3].conditions.all[0].fact" */
export function toJsonPath(pointer: string): string {
  let out = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(seg)) out += `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function valueAt(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Ajv errors as violations, in words, without the noise of if/then branches. */
export function schemaViolations(
  file: string,
  doc: unknown,
  errors: ErrorObject[] | null | undefined,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue;
    let jsonPath = toJsonPath(e.instancePath);
    let reason = e.message ?? 'invalid';
    const value = valueAt(doc, e.instancePath);
    if (e.keyword === 'additionalProperties') {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      jsonPath = toJsonPath(`${e.instancePath}/${prop}`);
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = closest(prop, allowed);
      reason = `unknown property ${JSON.stringify(prop)}${hint ? ` (did you mean "${hint}"?)` : ''}`;
    } else if (e.keyword === 'required') {
      const prop = (e.params as { missingProperty: string }).missingProperty;
      jsonPath = toJsonPath(`${e.instancePath}/${prop}`);
      reason = `missing required property ${JSON.stringify(prop)}`;
    } else if (e.keyword === 'enum') {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const what = e.instancePath.endsWith('/fact')
        ? 'unknown fact'
        : e.instancePath.endsWith('/operator')
          ? 'unknown operator'
          : 'not allowed:';
      const hint = typeof value === 'string' ? closest(value, allowed.map(String)) : undefined;
      reason = `${what} ${JSON.stringify(value)}${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.map(String).join(', ')}`;
    } else if (
      e.keyword === 'pattern' ||
      e.keyword === 'type' ||
      e.keyword === 'minimum' ||
      e.keyword === 'maximum'
    ) {
      reason = `${JSON.stringify(value)}: ${reason}`;
    } else if (e.keyword === 'propertyNames') {
      continue; // reported by the "pattern" error on the name itself
    }
    if (e.keyword === 'pattern' && e.propertyName !== undefined) {
      jsonPath = toJsonPath(`${e.instancePath}/${e.propertyName}`);
      reason = `bad name ${JSON.stringify(e.propertyName)}: ${e.message}`;
    }
    const key = `${jsonPath}|${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, jsonPath, reason });
  }
  return out;
}
