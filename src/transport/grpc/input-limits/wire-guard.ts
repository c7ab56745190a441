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
import { INPUT_LIMITS, type FieldRule } from './limits';
import { checkString } from './string-check';
import { checkTimestamp, readTimestampPart, TIMESTAMP } from './timestamp-check';
import { report, TooManyViolations } from './violation-report';
import { expectWire, Malformed, readInteger, wireTypeOf } from './wire-reader';

export type WireCheck = { ok: true } | { ok: false; undecodable: boolean; violations: FieldViolation[] };

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

function ruleOf(field: DescField): FieldRule | undefined {
  return INPUT_LIMITS[`${field.parent.typeName}.${field.name}`];
}
