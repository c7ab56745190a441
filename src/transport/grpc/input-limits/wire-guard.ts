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
import { stringProblem } from './string-check';
import { checkTimestamp, readTimestampPart, TIMESTAMP } from './timestamp-check';
import { report, TooManyViolations } from './violation-report';
import { expectWire, Malformed, nameOf, readInteger, wireTypeOf } from './wire-reader';

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

/** What the scan needs of a field, worked out once per field rather than once per value. */
interface FieldPlan {
  field: DescField;
  rule: FieldRule | undefined;
  /** A list's rule for each entry. */
  itemRule: FieldRule | undefined;
  /** The numbers an enum (or a list of enums) defines. */
  enumNumbers: ReadonlySet<number> | undefined;
}

const plans = new WeakMap<DescMessage, Map<number, FieldPlan>>();

function planOf(message: DescMessage): Map<number, FieldPlan> {
  let plan = plans.get(message);
  if (!plan) {
    plan = new Map();
    for (const field of message.fields) {
      const rule = INPUT_LIMITS[`${field.parent.typeName}.${field.name}`];
      const enumDesc =
        field.fieldKind === 'enum' || (field.fieldKind === 'list' && field.listKind === 'enum')
          ? field.enum
          : undefined;
      plan.set(field.number, {
        field,
        rule,
        itemRule: rule?.kind === 'list' ? rule.item : undefined,
        enumNumbers: enumDesc && new Set(enumDesc.values.map((v) => v.number)),
      });
    }
    plans.set(message, plan);
  }
  return plan;
}

function scanMessage(
  message: DescMessage,
  bytes: Uint8Array,
  path: string,
  violations: FieldViolation[],
): void {
  const reader = new BinaryReader(bytes);
  const plan = planOf(message);
  let counts: Map<number, number> | undefined;
  const timestamp = message.typeName === TIMESTAMP ? { seconds: 0n, nanos: 0 } : undefined;
  while (reader.pos < reader.len) {
    const [number, wireType] = reader.tag();
    const fieldPlan = plan.get(number);
    if (!fieldPlan) {
      reader.skip(wireType); // unknown fields are ignored by decoding too
      continue;
    }
    const { field } = fieldPlan;
    if (timestamp) {
      expectWire(wireType, WireType.Varint, path, field);
      readTimestampPart(reader, field, timestamp);
      continue;
    }
    if (field.fieldKind === 'list') {
      counts ??= new Map();
      const seen = counts.get(number) ?? 0;
      const added = scanListEntries(reader, fieldPlan, wireType, path, seen, violations);
      const total = seen + added;
      counts.set(number, total);
      const { rule } = fieldPlan;
      if (rule?.kind === 'list' && total > rule.maxItems && seen <= rule.maxItems) {
        // Stop here: the entries beyond the limit are never looked at, let alone decoded.
        report(violations, nameOf(path, field), `at most ${rule.maxItems} entries`);
        throw new TooManyViolations();
      }
      continue;
    }
    scanSingle(reader, fieldPlan, wireType, path, violations);
  }
  if (timestamp) checkTimestamp(timestamp, path, violations);
}

function scanListEntries(
  reader: BinaryReader,
  plan: FieldPlan,
  wireType: WireType,
  path: string,
  seen: number,
  violations: FieldViolation[],
): number {
  const field = plan.field as DescField & { fieldKind: 'list' };
  if (field.listKind === 'message') {
    // A wrong wire type names the list (as before); what is inside the entry names the entry.
    expectWire(wireType, WireType.LengthDelimited, path, field);
    scanMessage(field.message, reader.bytes(), nameOf(path, field, seen), violations);
    return 1;
  }
  const scalar = field.listKind === 'enum' ? ScalarType.INT32 : field.scalar;
  if (wireType === WireType.LengthDelimited && scalar !== ScalarType.STRING && scalar !== ScalarType.BYTES) {
    // A packed run of numbers.
    const packed = new BinaryReader(reader.bytes());
    let n = 0;
    while (packed.pos < packed.len) {
      scanValue(packed, plan, scalar, wireTypeOf(scalar), path, seen + n, plan.itemRule, violations);
      n++;
    }
    return n;
  }
  scanValue(reader, plan, scalar, wireType, path, seen, plan.itemRule, violations);
  return 1;
}

function scanSingle(
  reader: BinaryReader,
  plan: FieldPlan,
  wireType: WireType,
  path: string,
  violations: FieldViolation[],
): void {
  const { field } = plan;
  switch (field.fieldKind) {
    case 'message':
      expectWire(wireType, WireType.LengthDelimited, path, field);
      scanMessage(field.message, reader.bytes(), nameOf(path, field), violations);
      return;
    case 'enum':
      scanValue(reader, plan, ScalarType.INT32, wireType, path, undefined, undefined, violations);
      return;
    case 'scalar':
      scanValue(reader, plan, field.scalar, wireType, path, undefined, plan.rule, violations);
      return;
    default:
      reader.skip(wireType);
  }
}

/** One value of a field (`index` for a list's entry), checked against `rule`. */
function scanValue(
  reader: BinaryReader,
  plan: FieldPlan,
  scalar: ScalarType,
  wireType: WireType,
  path: string,
  index: number | undefined,
  rule: FieldRule | undefined,
  violations: FieldViolation[],
): void {
  const { field } = plan;
  expectWire(wireType, wireTypeOf(scalar), path, field, index);
  switch (scalar) {
    case ScalarType.STRING: {
      const problem = stringProblem(reader.bytes(), rule);
      if (problem) report(violations, nameOf(path, field, index), problem);
      return;
    }
    case ScalarType.BYTES: {
      const value = reader.bytes();
      if (rule?.kind === 'bytes' && value.length > rule.maxBytes)
        report(violations, nameOf(path, field, index), `at most ${rule.maxBytes} bytes, got ${value.length}`);
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
      if (plan.enumNumbers) {
        // Enums travel as int32: read as a number, no bigint per value.
        const value = reader.int32();
        if (!plan.enumNumbers.has(value))
          report(violations, nameOf(path, field, index), `unknown value ${value}`);
        return;
      }
      const value = readInteger(reader, scalar);
      if (rule?.kind === 'integer' && (value < rule.min || value > rule.max)) {
        report(
          violations,
          nameOf(path, field, index),
          `must be between ${rule.min} and ${rule.max}, got ${value}`,
        );
      }
    }
  }
}
