/**
 * The checks of a string field on the wire: length (in UTF-16 code units, as JavaScript counts),
 * valid UTF-8, and the characters its rule allows.
 */
import type { FieldViolation } from '../../../domain/errors';
import type { CharRule, FieldRule } from './limits';
import { report } from './violation-report';

const MAX_INT64 = 2n ** 63n - 1n;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

export function checkString(
  bytes: Uint8Array,
  name: string,
  rule: FieldRule | undefined,
  violations: FieldViolation[],
): void {
  const maxLength = rule?.kind === 'string' ? rule.maxLength : 0;
  // A UTF-16 code unit takes at least one byte, at most three: decide "too long" without decoding a megabyte.
  if (bytes.length > maxLength * 3) {
    report(violations, name, `at most ${maxLength} characters`);
    return;
  }
  let value: string;
  try {
    value = utf8.decode(bytes);
  } catch {
    report(violations, name, 'is not valid UTF-8');
    return;
  }
  if (value.length > maxLength) {
    report(violations, name, `at most ${maxLength} characters, got ${value.length}`);
    return;
  }
  const problem = rule?.kind === 'string' ? charProblem(value, rule.chars) : undefined;
  if (problem) report(violations, name, problem);
}

function charProblem(value: string, chars: CharRule): string | undefined {
  switch (chars) {
    case 'single-line':
      return controlProblem(value, CONTROL);
    case 'multi-line':
      return controlProblem(value, CONTROL_BUT_WHITESPACE);
    case 'base64url':
      return /^[A-Za-z0-9_-]*$/.test(value) ? undefined : 'not a page token from this service';
    case 'int64-digits':
      return /^\d*$/.test(value) && (value === '' || BigInt(value) <= MAX_INT64)
        ? undefined
        : `must be a whole number from 0 to ${MAX_INT64}`;
    case 'checked-by-domain':
      return undefined;
  }
}

function controlProblem(value: string, pattern: RegExp): string | undefined {
  const match = pattern.exec(value);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
  return `must not contain control characters (U+${code} at position ${match.index})`;
}
