/**
 * Checks an encoded request against INPUT_LIMITS before it is decoded. Working on the wire keeps
 * memory bounded by construction: a batch of eight million empty CDRs is counted, not materialised,
 * and refused once it passes its limit. It also sees what decoding would hide: a Timestamp with
 * nanos of -1, an int64 beyond what JavaScript holds, an enum value the contract does not define,
 * a string that is not UTF-8.
 */
import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import type { FieldViolation } from '../../../domain/errors';
import {
  INPUT_LIMITS,
  MAX_VIOLATIONS_REPORTED,
  TIMESTAMP_RANGE,
  type CharRule,
  type FieldRule,
} from './limits';

export type WireCheck = { ok: true } | { ok: false; undecodable: boolean; violations: FieldViolation[] };

const TIMESTAMP = 'google.protobuf.Timestamp';
const MIN_SECONDS = BigInt(Math.floor(TIMESTAMP_RANGE.from.getTime() / 1000));
const MAX_SECONDS = BigInt(Math.floor(TIMESTAMP_RANGE.to.getTime() / 1000)) - 1n;
const MAX_INT64 = 2n ** 63n - 1n;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// C0 controls, DEL, C1 controls, and the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_WHITESPACE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

class TooManyViolations extends Error {}
/** Thrown inside the scan; `path` names the field that broke the wire format. */
class Malformed extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export function checkWire(message: DescMessage, bytes: Uint8Array): WireCheck {
  const violations: FieldViolation[] = [];
  try {
    scanMessage(message, bytes, '', violations);
  } catch (error) {
    if (error instanceof TooManyViolations) return { ok: false, undecodable: false, violations };
    // A truncated or garbled frame: the bytes are not a protobuf message at all.
    const reason = error instanceof Malformed ? error.message : `not a valid ${message.typeName} message`;
    return { ok: false, undecodable: true, violations: [{ field: violationPath(error, ''), reason }] };
  }
  return violations.length ? { ok: false, undecodable: false, violations } : { ok: true };
}

function violationPath(error: unknown, fallback: string): string {
  return error instanceof Malformed && error.path ? error.path : fallback || 'request';
}

function report(violations: FieldViolation[], field: string, reason: string): void {
  violations.push({ field, reason });
  if (violations.length >= MAX_VIOLATIONS_REPORTED) throw new TooManyViolations();
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function scanMessage(
  message: DescMessage,
  bytes: Uint8Array,
  path: string,
  violations: FieldViolation[],
): void {
  const reader = new BinaryReader(bytes);
  const counts = new Map<number, number>();
  const timestamp = message.typeName === TIMESTAMP ? { seconds: 0n, nanos: 0 } : undefined;
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    const field = message.fields.find((f) => f.number === number);
    if (!field) {
      reader.skip(wireType); // unknown fields are ignored by decoding too
      continue;
    }
    const name = join(path, field.name);
    if (timestamp) {
      readTimestampPart(reader, field, wireType, timestamp, name);
      continue;
    }
    if (field.fieldKind === 'list') {
      const seen = counts.get(number) ?? 0;
      const added = scanListEntries(reader, field, wireType, name, seen, violations);
      const total = seen + added;
      counts.set(number, total);
      const rule = ruleOf(field);
      if (rule?.kind === 'list' && total > rule.maxItems && seen <= rule.maxItems) {
        // Stop here: the entries beyond the limit are never looked at, let alone decoded.
        report(violations, name, `at most ${rule.maxItems} entries`);
        throw new TooManyViolations();
      }
      continue;
    }
    scanSingle(reader, field, wireType, name, violations);
  }
  if (timestamp) checkTimestamp(timestamp, path, violations);
}

function scanListEntries(
  reader: BinaryReader,
  field: DescField & { fieldKind: 'list' },
  wireType: WireType,
  name: string,
  seen: number,
  violations: FieldViolation[],
): number {
  const rule = ruleOf(field);
  const itemRule = rule?.kind === 'list' ? rule.item : undefined;
  if (field.listKind === 'message') {
    expectWire(wireType, WireType.LengthDelimited, name);
    scanMessage(field.message, reader.bytes(), `${name}[${seen}]`, violations);
    return 1;
  }
  const scalar = field.listKind === 'enum' ? ScalarType.INT32 : field.scalar;
  if (wireType === WireType.LengthDelimited && scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES) {
    // A packed run of numbers.
    const packed = new BinaryReader(reader.bytes());
    let n = 0;
    while (packed.pos < packed.len) {
      scanValue(packed, field, scalar, wireTypeOf(scalar), `${name}[${seen + n}]`, itemRule, violations);
      n++;
    }
    return n;
  }
  scanValue(reader, field, scalar, wireType, `${name}[${seen}]`, itemRule, violations);
  return 1;
}

function scanSingle(
  reader: BinaryReader,
  field: DescField,
  wireType: WireType,
  name: string,
  violations: FieldViolation[],
): void {
  switch (field.fieldKind) {
    case 'message':
      expectWire(wireType, WireType.LengthDelimited, name);
      scanMessage(field.message, reader.bytes(), name, violations);
      return;
    case 'enum':
      scanValue(reader, field, ScalarType.INT32, wireType, name, undefined, violations);
      return;
    case 'scalar':
      scanValue(reader, field, field.scalar, wireType, name, ruleOf(field), violations);
      return;
    default:
      reader.skip(wireType);
  }
}

function scanValue(
  reader: BinaryReader,
  field: DescField,
  scalar: ScalarType,
  wireType: WireType,
  name: string,
  rule: FieldRule | undefined,
  violations: FieldViolation[],
): void {
  expectWire(wireType, wireTypeOf(scalar), name);
  switch (scalar) {
    case ScalarType.STRING:
      checkString(reader.bytes(), name, rule, violations);
      return;
    case ScalarType.BYTES: {
      const value = reader.bytes();
      if (rule?.kind === 'bytes' && value.length > rule.maxBytes)
        report(violations, name, `at most ${rule.maxBytes} bytes, got ${value.length}`);
      return;
    }
    case ScalarType.BOOL:
      reader.bool();
      return;
    case ScalarType.FLOAT:
      reader.float();
      return;
    case ScalarType.DOUBLE:
      reader.double();
      return;
    default: {
      const value = readInteger(reader, scalar);
      const enumValues =
        field.fieldKind === 'enum' || (field.fieldKind === 'list' && field.listKind === 'enum')
          ? field.enum.values
          : undefined;
      if (enumValues) {
        if (!enumValues.some((v) => BigInt(v.number) === value))
          report(violations, name, `unknown value ${value}`);
        return;
      }
      if (rule?.kind === 'integer' && (value < rule.min || value > rule.max)) {
        report(violations, name, `must be between ${rule.min} and ${rule.max}, got ${value}`);
      }
    }
  }
}

function readInteger(reader: BinaryReader, scalar: ScalarType): bigint {
  switch (scalar) {
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return BigInt(
        scalar === ScalarType.SINT32
          ? reader.sint32()
          : scalar === ScalarType.SFIXED32
            ? reader.sfixed32()
            : reader.int32(),
      );
    case ScalarType.UINT32:
      return BigInt(reader.uint32());
    case ScalarType.FIXED32:
      return BigInt(reader.fixed32());
    case ScalarType.UINT64:
      return BigInt(reader.uint64());
    case ScalarType.FIXED64:
      return BigInt(reader.fixed64());
    case ScalarType.SINT64:
      return BigInt(reader.sint64());
    case ScalarType.SFIXED64:
      return BigInt(reader.sfixed64());
    default:
      return BigInt(reader.int64());
  }
}

function checkString(
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

function readTimestampPart(
  reader: BinaryReader,
  field: DescField,
  wireType: WireType,
  into: { seconds: bigint; nanos: number },
  name: string,
): void {
  expectWire(wireType, WireType.Varint, name);
  if (field.name === 'seconds') into.seconds = BigInt(reader.int64());
  else into.nanos = reader.int32();
}

function checkTimestamp(
  { seconds, nanos }: { seconds: bigint; nanos: number },
  path: string,
  violations: FieldViolation[],
): void {
  if (nanos < 0 || nanos > 999_999_999) {
    report(violations, path, `nanos must be from 0 to 999999999, got ${nanos}`);
  } else if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    report(
      violations,
      path,
      `must be from ${TIMESTAMP_RANGE.from.toISOString()} to before ${TIMESTAMP_RANGE.to.toISOString()}`,
    );
  }
}

function ruleOf(field: DescField): FieldRule | undefined {
  return INPUT_LIMITS[`${field.parent.typeName}.${field.name}`];
}

function wireTypeOf(scalar: ScalarType): WireType {
  switch (scalar) {
    case ScalarType.STRING:
    case ScalarType.BYTES:
      return WireType.LengthDelimited;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return WireType.Bit32;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.DOUBLE:
      return WireType.Bit64;
    default:
      return WireType.Varint;
  }
}

function expectWire(actual: WireType, expected: WireType, name: string): void {
  if (actual !== expected)
    throw new Malformed(`malformed: wire type ${actual} where ${expected} was expected`, name);
}
