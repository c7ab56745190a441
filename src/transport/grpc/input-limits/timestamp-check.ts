/**
 * google.protobuf.Timestamp on the wire: its seconds and nanos are gathered while scanning and then
 * checked against TIMESTAMP_RANGE (decoding would turn nanos of -1 into a valid-looking Date).
 */
import type { DescField } from '@bufbuild/protobuf';
import type { BinaryReader } from '@bufbuild/protobuf/wire';
import type { FieldViolation } from '../../../domain/errors';
import { TIMESTAMP_RANGE } from './limits';
import { report } from './violation-report';

export const TIMESTAMP = 'google.protobuf.Timestamp';
const MIN_SECONDS = BigInt(Math.floor(TIMESTAMP_RANGE.from.getTime() / 1000));
const MAX_SECONDS = BigInt(Math.floor(TIMESTAMP_RANGE.to.getTime() / 1000)) - 1n;

/** One varint of a Timestamp (its wire type checked by the caller) into `into`. */
export function readTimestampPart(
  reader: BinaryReader,
  field: DescField,
  into: { seconds: bigint; nanos: number },
): void {
  if (field.name === 'seconds') into.seconds = BigInt(reader.int64());
  else into.nanos = reader.int32();
}

export function checkTimestamp(
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
