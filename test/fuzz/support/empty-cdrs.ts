/**
 * The cheapest possible flood of CDRs, written byte by byte: an empty `Cdr` costs two bytes on the
 * wire (field 2 `cdrs`, length 0, in both CdrBatch and SubmitCdrsRequest; see
 * proto/billing/v1/cdr.proto and cdr_ingest_service.proto), but a whole object once decoded.
 * Each message is built to exactly the size asked for, typically the server's largest accepted one.
 */
const EMPTY_CDR = [0x12, 0x00]; // tag (2 << 3 | 2), length 0

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return bytes;
}

function emptyCdrs(count: number): Buffer {
  return Buffer.alloc(count * 2, Buffer.from(EMPTY_CDR));
}

/** `SubmitCdrsRequest { request_id, cdrs: [{}, {}, ...] }` of exactly `size` bytes (size >= 3). */
export function submitOfEmptyCdrs(size: number): Buffer {
  // request_id (field 1) of one or two characters makes the rest an even number of bytes.
  const id = size % 2 === 0 ? 'h2' : 'h';
  const head = Buffer.from([0x0a, id.length, ...Buffer.from(id)]);
  return Buffer.concat([head, emptyCdrs((size - head.length) / 2)]);
}

/** `StreamCdrsRequest { batch: { sequence, cdrs: [{}, {}, ...] } }` of exactly `size` bytes (size >= 4). */
export function streamRequestOfEmptyCdrs(size: number): Buffer {
  for (let lengthBytes = 1; lengthBytes <= 5; lengthBytes++) {
    const batchLength = size - 1 - lengthBytes;
    if (varint(batchLength).length !== lengthBytes) continue;
    // sequence (field 1) as 1 (two bytes) or 128 (three bytes) makes the rest an even number of bytes.
    const sequence = batchLength % 2 === 0 ? [0x08, 0x01] : [0x08, ...varint(128)];
    const head = Buffer.from([0x0a, ...varint(batchLength), ...sequence]);
    return Buffer.concat([head, emptyCdrs((size - head.length) / 2)]);
  }
  throw new Error(`no StreamCdrsRequest of exactly ${size} bytes`);
}

/** How many empty CDR entries a message built here carries (they fill its end). */
export function emptyCdrCount(message: Buffer): number {
  let count = 0;
  for (let i = message.length - 2; i >= 0 && message[i] === 0x12 && message[i + 1] === 0x00; i -= 2) count++;
  return count;
}
