/**
 * The field violations of an INVALID_ARGUMENT error: the service attaches a google.rpc.BadRequest
 * detail. billing.v1 does not generate google.rpc, so its two small messages are read here with
 * protobuf-es' binary reader (BadRequest: field_violations = 1; FieldViolation: field = 1,
 * description = 2).
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { ConnectError } from '@connectrpc/connect';

export interface Violation {
  field: string;
  description: string;
}

export function fieldViolations(error: unknown): Violation[] {
  if (!(error instanceof ConnectError)) return [];
  const violations: Violation[] = [];
  for (const detail of error.details) {
    if (
      !('type' in detail) ||
      detail.type !== 'google.rpc.BadRequest' ||
      !(detail.value instanceof Uint8Array)
    )
      continue;
    const reader = new BinaryReader(detail.value);
    while (reader.pos < reader.len) {
      const [field, wire] = reader.tag();
      if (field === 1 && wire === WireType.LengthDelimited) violations.push(readViolation(reader.bytes()));
      else reader.skip(wire);
    }
  }
  return violations;
}

function readViolation(bytes: Uint8Array): Violation {
  const reader = new BinaryReader(bytes);
  const violation: Violation = { field: '', description: '' };
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    if (field === 1 && wire === WireType.LengthDelimited) violation.field = reader.string();
    else if (field === 2 && wire === WireType.LengthDelimited) violation.description = reader.string();
    else reader.skip(wire);
  }
  return violation;
}

/** The violations of `field` (exact, or a sub-field such as `lines[0].quantity`). */
export function violationsOf(violations: Violation[], field: string): Violation[] {
  return violations.filter(
    (v) => v.field === field || v.field.startsWith(`${field}.`) || v.field.startsWith(`${field}[`),
  );
}
