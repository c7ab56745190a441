/**
 * Reading protobuf wire values with the guard's own checks: the wire type a scalar must arrive in,
 * and integers of every width read as bigint so none is rounded on the way.
 */
import { ScalarType, type DescField } from '@bufbuild/protobuf';
import { type BinaryReader, WireType } from '@bufbuild/protobuf/wire';

/** Thrown inside the scan; `path` names the field that broke the wire format. */
export class Malformed extends Error {
  constructor(
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}

export function readInteger(reader: BinaryReader, scalar: ScalarType): bigint {
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

export function wireTypeOf(scalar: ScalarType): WireType {
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

/** The field at `path` (its `index`-th entry when given) must arrive in `expected`'s wire type. */
export function expectWire(
  actual: WireType,
  expected: WireType,
  path: string,
  field: DescField,
  index?: number,
): void {
  if (actual !== expected)
    throw new Malformed(
      `malformed: wire type ${actual} where ${expected} was expected`,
      nameOf(path, field, index),
    );
}

/**
 * A field's name in a violation (`batch.cdrs[3].end_time`). Built only when something is reported:
 * joining it for every field of every CDR was a third of the scan's time.
 */
export function nameOf(path: string, field: DescField, index?: number): string {
  const name = path ? `${path}.${field.name}` : field.name;
  return index === undefined ? name : `${name}[${index}]`;
}
