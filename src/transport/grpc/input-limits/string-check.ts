/**
 * The checks of a string field on the wire: length (in UTF-16 code units, as JavaScript counts),
 * valid UTF-8, and the characters its rule allows.
 */
import type { CharRule, FieldRule } from './limits';

const MAX_INT64 = 2n ** 63n - 1n;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/** What is wrong with a string field's bytes under `rule`, or undefined when nothing is. */
export function stringProblem(bytes: Uint8Array, rule: FieldRule | undefined): string | undefined {
  const maxLength = rule?.kind === 'string' ? rule.maxLength : 0;
  // A UTF-16 code unit takes at least one byte, at most three: decide "too long" without decoding a megabyte.
  if (bytes.length > maxLength * 3) return `at most ${maxLength} characters`;
  const chars = rule?.kind === 'string' ? rule.chars : undefined;
  if (
    chars === undefined ||
    chars === 'single-line' ||
    chars === 'multi-line' ||
    chars === 'checked-by-domain'
  ) {
    const ascii = asciiProblem(bytes, maxLength, chars);
    if (ascii !== NOT_ASCII) return ascii;
  }
  let value: string;
  try {
    value = utf8.decode(bytes);
  } catch {
    return 'is not valid UTF-8';
  }
  if (value.length > maxLength) return `at most ${maxLength} characters, got ${value.length}`;
  return chars === undefined ? undefined : charProblem(value, chars);
}

const NOT_ASCII = Symbol('not ASCII');

/**
 * The same answer as decoding and matching would give, for the common case of bytes that are all
 * ASCII (valid UTF-8, one code unit per byte), without making a string of them; NOT_ASCII otherwise.
 * The controls among ASCII: below U+0020 and U+007F; a multi-line text allows tab, LF and CR.
 */
function asciiProblem(
  bytes: Uint8Array,
  maxLength: number,
  chars: CharRule | undefined,
): string | undefined | typeof NOT_ASCII {
  const checked = chars === 'single-line' || chars === 'multi-line';
  let control = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return NOT_ASCII;
    if (control < 0 && checked && (b < 0x20 || b === 0x7f)) {
      if (!(chars === 'multi-line' && (b === 0x09 || b === 0x0a || b === 0x0d))) control = i;
    }
  }
  if (bytes.length > maxLength) return `at most ${maxLength} characters, got ${bytes.length}`;
  if (control < 0) return undefined;
  const code = bytes[control]!.toString(16).toUpperCase().padStart(4, '0');
  return `must not contain control characters (U+${code} at position ${control})`;
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
