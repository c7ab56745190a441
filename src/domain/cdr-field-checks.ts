/**
 * The checks of single CDR fields (ids, times, phone numbers) that validateCdr applies. Each pushes
 * its violations, named by the field's proto (snake_case) name, and returns the accepted value or
 * undefined.
 */
import type { FieldViolation } from './errors';
import { E164, MAX_FUTURE_MS, MAX_ID_LENGTH, MIN_CDR_TIME } from './cdr-limits';

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/**
 * A UTF-16 surrogate without its pair: not a character, and not storable. gRPC's bytes are checked
 * as UTF-8 on the wire, but a JSON import can carry one ("\ud800"); PostgreSQL would store it as
 * U+FFFD, so the stored id would differ from the one answered and deduplicated by.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function describe(value: unknown): string {
  const s = String(value);
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

export function checkId(
  violations: FieldViolation[],
  field: string,
  value: string | undefined,
  required: boolean,
): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) violations.push({ field, reason: 'missing' });
    return undefined;
  }
  if (typeof value !== 'string') {
    violations.push({ field, reason: `must be a string, got ${typeof value}` });
    return undefined;
  }
  let ok = true;
  if (value.trim() === '') {
    violations.push({ field, reason: 'blank (only whitespace)' });
    ok = false;
  }
  if (value.length > MAX_ID_LENGTH) {
    violations.push({ field, reason: `too long: ${value.length} characters, at most ${MAX_ID_LENGTH}` });
    ok = false;
  }
  if (CONTROL_CHARS.test(value)) {
    violations.push({ field, reason: 'contains control characters' });
    ok = false;
  }
  if (LONE_SURROGATE.test(value)) {
    violations.push({ field, reason: 'contains a lone UTF-16 surrogate (not valid Unicode)' });
    ok = false;
  }
  return ok ? value : undefined;
}

export function checkTime(
  violations: FieldViolation[],
  field: string,
  value: Date | undefined,
  required: boolean,
  now: Date,
): Date | undefined {
  if (value === undefined || value === null) {
    if (required) violations.push({ field, reason: 'missing' });
    return undefined;
  }
  if (!(value instanceof Date)) {
    violations.push({ field, reason: 'not a timestamp' });
    return undefined;
  }
  const t = value.getTime();
  if (Number.isNaN(t)) {
    violations.push({ field, reason: 'not a valid time (Invalid Date)' });
    return undefined;
  }
  if (t < MIN_CDR_TIME.getTime()) {
    violations.push({ field, reason: `${value.toISOString()} is before ${MIN_CDR_TIME.toISOString()}` });
    return undefined;
  }
  if (t > now.getTime() + MAX_FUTURE_MS) {
    violations.push({
      field,
      reason: `${value.toISOString()} is more than 1 day in the future (now ${now.toISOString()})`,
    });
    return undefined;
  }
  return new Date(t);
}

export function checkPhone(
  violations: FieldViolation[],
  field: string,
  value: string | undefined,
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    violations.push({ field, reason: `must be a string, got ${typeof value}` });
    return undefined;
  }
  if (value.length > 16) {
    violations.push({
      field,
      reason: `too long: ${value.length} characters; E.164 has at most 15 digits after '+'`,
    });
    return undefined;
  }
  if (!E164.test(value)) {
    violations.push({
      field,
      reason: `${describe(value)} is not an E.164 number (+ and 2 to 15 digits, no leading 0)`,
    });
    return undefined;
  }
  return value;
}
