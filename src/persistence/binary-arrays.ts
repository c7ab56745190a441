/**
 * One-dimensional arrays in PostgreSQL's binary wire format (what `array_recv` reads), as Buffers:
 * node-postgres sends a Buffer parameter in binary, so the server takes it apart without parsing
 * a text literal, and this side writes bytes once instead of escaping and joining strings. The
 * Buffers live outside the JavaScript heap, so the garbage collector does not copy a large batch's
 * parameters while the statement runs (issue 14: GC was a fifth of ingest's service time); the
 * JSON texts and array literals of single values are still made on the heap, and briefly.
 *
 * Layout: ndim, has-null flag, element type oid, then per dimension its length and lower bound (1),
 * then each element as its byte length (-1 for NULL) and its bytes in the element type's binary
 * format. See PostgreSQL's src/backend/utils/adt/arrayfuncs.c (array_recv).
 */

/** Element type oids (pg_type): array_recv refuses an element type other than the parameter's. */
const OID = { int4: 23, int8: 20, text: 25, jsonb: 3802 } as const;

/** The jsonb binary format's version byte, before the JSON text (jsonb_recv). */
const JSONB_VERSION = 1;

const HEADER_BYTES = 20;

function header(buf: Buffer, oid: number, length: number, hasNull: boolean): number {
  buf.writeInt32BE(1, 0);
  buf.writeInt32BE(hasNull ? 1 : 0, 4);
  buf.writeInt32BE(oid, 8);
  buf.writeInt32BE(length, 12);
  buf.writeInt32BE(1, 16);
  return HEADER_BYTES;
}

/** A text[] (or, with `jsonb`, a jsonb[] of JSON texts); null elements are SQL NULL. */
function stringArray(values: readonly (string | null)[], jsonb: boolean): Buffer {
  const prefix = jsonb ? 1 : 0;
  let size = HEADER_BYTES;
  let hasNull = false;
  for (const v of values) {
    if (v === null) hasNull = true;
    else size += prefix + Buffer.byteLength(v);
    size += 4;
  }
  const buf = Buffer.allocUnsafe(size);
  let at = header(buf, jsonb ? OID.jsonb : OID.text, values.length, hasNull);
  for (const v of values) {
    if (v === null) {
      at = buf.writeInt32BE(-1, at);
      continue;
    }
    const start = at + 4;
    if (jsonb) buf[start] = JSONB_VERSION;
    const written = buf.write(v, start + prefix);
    buf.writeInt32BE(prefix + written, at);
    at = start + prefix + written;
  }
  return buf;
}

export function textArray(values: readonly (string | null)[]): Buffer {
  return stringArray(values, false);
}

/** Each element is one JSON text (JSON.stringify's output), or null for SQL NULL. */
export function jsonbArray(values: readonly (string | null)[]): Buffer {
  return stringArray(values, true);
}

/** An integer[]: each value a 32-bit integer (Buffer would write 1.5 as 1 and NaN as 0). */
export function int4Array(values: readonly (number | null)[]): Buffer {
  return fixedWidthArray(values, OID.int4, 4, (buf, v, at) => {
    if (!Number.isInteger(v)) throw new RangeError(`${v} is not an integer`);
    return buf.writeInt32BE(v, at);
  });
}

/**
 * A bigint[] of integers within ±2^47 (epoch milliseconds until the year 6429): written as a 48-bit
 * integer after its two bytes of sign, since Buffer writes integers wider than 48 bits only from a
 * BigInt, which would cost an allocation per value.
 */
export function int8Array(values: readonly (number | null)[]): Buffer {
  return fixedWidthArray(values, OID.int8, 8, (buf, v, at) => {
    if (!Number.isSafeInteger(v) || Math.abs(v) >= 2 ** 47)
      throw new RangeError(`${v} is not an integer within ±2^47`);
    buf.writeInt16BE(v < 0 ? -1 : 0, at);
    return buf.writeIntBE(v, at + 2, 6);
  });
}

function fixedWidthArray(
  values: readonly (number | null)[],
  oid: number,
  width: number,
  write: (buf: Buffer, value: number, at: number) => number,
): Buffer {
  let size = HEADER_BYTES;
  let hasNull = false;
  for (const v of values) {
    if (v === null) hasNull = true;
    else size += width;
    size += 4;
  }
  const buf = Buffer.allocUnsafe(size);
  let at = header(buf, oid, values.length, hasNull);
  for (const v of values) {
    if (v === null) {
      at = buf.writeInt32BE(-1, at);
      continue;
    }
    at = write(buf, v, buf.writeInt32BE(width, at));
  }
  return buf;
}
