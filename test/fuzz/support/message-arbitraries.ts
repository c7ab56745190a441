/**
 * fast-check arbitraries for any protobuf message, driven by its descriptor: each field gets values
 * of its type, mixing plausible ones (so requests get past validation into pricing and storage) with
 * hostile ones (empty, ~100 KB, NUL and control characters, lone surrogates, integer extremes,
 * Timestamps far outside 0001..9999, forged page tokens, cursors above int64, huge repeated fields).
 */
import {
  create,
  fromBinary,
  ScalarType,
  toBinary,
  type DescField,
  type DescMessage,
} from '@bufbuild/protobuf';
import fc from 'fast-check';

// ---- hostile values, by type ----------------------------------------------------------------------

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const UINT32_MAX = 2 ** 32 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * Stand-ins replaced in the encoded bytes (same length, 3 bytes each), because a JS string cannot
 * carry invalid UTF-8 through an encoder: U+E000 becomes ED A0 80 (a lone high surrogate in
 * WTF-8/CESU-8) and U+E001 becomes C0 AF FF (an overlong sequence and a byte never valid in UTF-8).
 */
export const LONE_SURROGATE_MARK = '\uE000';
export const INVALID_UTF8_MARK = '\uE001';
const MARK_BYTES: [number[], number[]][] = [
  [
    [0xee, 0x80, 0x80],
    [0xed, 0xa0, 0x80],
  ],
  [
    [0xee, 0x80, 0x81],
    [0xc0, 0xaf, 0xff],
  ],
];

const LONG = 100_000;
const LONG_STRINGS = [
  'x'.repeat(LONG),
  'ä€😀'.repeat(LONG / 8),
  '\u0000'.repeat(LONG),
  '9'.repeat(LONG),
  `${LONE_SURROGATE_MARK}`.repeat(LONG / 3),
];

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0001\u0002\u001b[31m\u007f\u0085',
  '\r\n\t',
  '\uD800',
  'x\uDFFFy',
  LONE_SURROGATE_MARK,
  `a${LONE_SURROGATE_MARK}b`,
  `${INVALID_UTF8_MARK}x`,
  '\uFEFF',
  '\u202Eevil',
  '😀',
  'Ω'.repeat(300),
  "'; drop table cdrs; --",
  '%s%n%x',
  '${7*7}',
  '../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x10',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775809',
  '18446744073709551616',
  '99999999999999999999999999999999999999999',
  '{}',
  '[]',
  ' leading',
  'trailing ',
];

const CURSORS = [
  '0',
  '1',
  '9223372036854775807',
  '9223372036854775808',
  '9999999999999999999',
  '18446744073709551616',
  '-1',
  '1.5',
  '0x1',
  '01',
  ' 1',
  '١٢٣',
];

/** JSON values a page token decoder might not expect: arrays and objects of odd types. */
const oddJson = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(
    null,
    {},
    [],
    1e308,
    -1,
    true,
    '9'.repeat(30),
    [null],
    [null, null],
    [{}, {}],
    [[], []],
    ['', ''],
    ['\u0000', 'x'],
    [1.5, -1],
    [true, false],
    ['2026-01-01T00:00:00Z', '9223372036854775808'],
    ['not a date', '1'],
    ['2026-01-01T00:00:00Z', 'not a number'],
    ['a', 'b', 'c'],
    [1e308, 1e308],
    ['x'.repeat(10_000), '1'],
    { 0: 'a', 1: 'b', length: 2 },
    { $gt: '' },
  ),
);

export const forgedPageToken: fc.Arbitrary<string> = fc.oneof(
  oddJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
  oddJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64')),
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.constantFrom('!!!', '====', 'a', '%', 'AAAA', '\u0000', '.'),
);

export const forgedCursor: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...CURSORS),
  fc.bigInt({ min: 0n, max: INT64_MAX }).map(String),
  // 19 digits, like a real cursor, but above int64
  fc.bigInt({ min: INT64_MAX + 1n, max: 10n ** 19n - 1n }).map(String),
  fc.bigInt({ min: 10n ** 19n, max: 10n ** 30n }).map(String),
);

// ---- plausible values, by field name --------------------------------------------------------------

/** Plausible values of string fields, keyed by the proto field name. */
export type PlausibleStrings = Record<string, fc.Arbitrary<string>>;

export interface GenerationOptions {
  plausible: PlausibleStrings;
  /** Plausible values of integer fields, keyed by field name (others: small non-negative numbers). */
  plausibleNumbers?: Record<string, fc.Arbitrary<number>>;
  /** Plausible byte contents (e.g. of rule files) keyed by field name. */
  plausibleBytes?: Record<string, fc.Arbitrary<Uint8Array>>;
  /**
   * Whole messages whose fields must agree to be valid (a CDR's times, a booking in the future),
   * keyed by full type name; init objects for create(). Used for most plausible messages of that type.
   */
  plausibleMessages?: Record<string, fc.Arbitrary<Record<string, unknown>>>;
}

interface Context extends GenerationOptions {
  /** plausible: mostly valid values, to get deep into the service; hostile: mostly extremes. */
  mode: 'plausible' | 'hostile';
  /** Inside a huge repeated field: no long strings and no further huge repeats. */
  small: boolean;
  depth: number;
}

const MAX_DEPTH = 6;

// Realistic instants: around the seed data (October 2026) and some months ahead (bookings).
const REALISTIC_FROM = Date.UTC(2026, 8, 1) / 1000;
const REALISTIC_TO = Date.UTC(2027, 5, 30) / 1000;

function weighted<T>(...options: [number, fc.Arbitrary<T>][]): fc.Arbitrary<T> {
  return fc.oneof(...options.filter(([w]) => w > 0).map(([weight, arbitrary]) => ({ weight, arbitrary })));
}

function byMode<T>(ctx: Context, plausible: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return ctx.mode === 'plausible'
    ? weighted([9, plausible], [1, hostile])
    : weighted([2, plausible], [8, hostile]);
}

function stringArb(field: DescField, ctx: Context): fc.Arbitrary<string> {
  const name = field.name;
  const hostile = weighted<string>(
    [5, fc.constantFrom(...ODD_STRINGS)],
    [3, fc.string({ unit: 'binary', maxLength: 40 })],
    [ctx.small ? 0 : 1, fc.constantFrom(...LONG_STRINGS)],
    [/page_token$/.test(name) ? 6 : 0, forgedPageToken],
    [/cursor$/.test(name) ? 6 : 0, forgedCursor],
  );
  const plausible = ctx.plausible[name] ?? fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 });
  return byMode(ctx, plausible, hostile);
}

function scalarArb(field: DescField & { scalar: ScalarType }, ctx: Context): fc.Arbitrary<unknown> {
  const number = ctx.plausibleNumbers?.[field.name];
  switch (field.scalar) {
    case ScalarType.STRING:
      return stringArb(field, ctx);
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return byMode(
        ctx,
        number ?? fc.integer({ min: 0, max: 600 }),
        fc.oneof(
          fc.constantFrom(0, 1, -1, 500, 501, 1000, 1001, INT32_MAX, INT32_MIN),
          fc.integer({ min: INT32_MIN, max: INT32_MAX }),
        ),
      );
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return byMode(
        ctx,
        number ?? fc.integer({ min: 0, max: 3600 }),
        fc.oneof(
          fc.constantFrom(0, 1, 2 ** 31, UINT32_MAX, 1001, 86_400 * 366),
          fc.bigInt({ min: 0n, max: BigInt(UINT32_MAX) }).map(Number),
        ),
      );
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return byMode(
        ctx,
        fc.bigInt({ min: 0n, max: 1000n }),
        fc.oneof(
          fc.constantFrom(0n, -1n, INT64_MAX, INT64_MIN, 2n ** 53n + 1n),
          fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
        ),
      );
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return byMode(
        ctx,
        fc.bigInt({ min: 0n, max: 1000n }),
        fc.oneof(
          fc.constantFrom(0n, INT64_MAX, INT64_MAX + 1n, UINT64_MAX, 2n ** 53n + 1n),
          fc.bigInt({ min: 0n, max: UINT64_MAX }),
        ),
      );
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.oneof(fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 1e308, 5e-324), fc.double());
    case ScalarType.BYTES: {
      const plausible = ctx.plausibleBytes?.[field.name] ?? fc.uint8Array({ maxLength: 64 });
      return byMode(
        ctx,
        plausible,
        weighted(
          [4, fc.uint8Array({ maxLength: 256 })],
          [ctx.small ? 0 : 1, fc.constant(new Uint8Array(LONG).fill(0xff))],
        ),
      );
    }
  }
}

const timestampArb = (ctx: Context) =>
  fc.record({
    seconds: byMode(
      ctx,
      fc.integer({ min: REALISTIC_FROM, max: REALISTIC_TO }).map(BigInt),
      fc.oneof(
        fc.constantFrom(
          0n,
          -1n,
          10n ** 12n,
          -(10n ** 12n),
          253_402_300_799n,
          253_402_300_800n,
          -62_135_596_800n,
          -62_135_596_801n,
          8_640_000_000_001n,
        ),
        fc.constantFrom(INT64_MAX, INT64_MIN),
        fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
      ),
    ),
    nanos: byMode(
      ctx,
      fc.constant(0),
      fc.constantFrom(0, -1, 2_000_000_000, 999_999_999, 1_000_000_000, INT32_MAX, INT32_MIN),
    ),
  });

function enumArb(field: DescField, ctx: Context): fc.Arbitrary<number> {
  const values = field.enum!.values.map((v) => v.number);
  const valid = values.filter((n) => n !== 0);
  return byMode(
    ctx,
    fc.constantFrom(...(valid.length ? valid : values)),
    fc.constantFrom(...values, -1, 99, INT32_MAX, INT32_MIN),
  );
}

function singleValueArb(field: DescField, ctx: Context): fc.Arbitrary<unknown> {
  if (field.message) return messageInitArb(field.message, { ...ctx, depth: ctx.depth + 1 });
  if (field.enum) return enumArb(field, ctx);
  return scalarArb(field, ctx);
}

function fieldArb(field: DescField, ctx: Context): fc.Arbitrary<unknown> {
  if (field.fieldKind === 'map') {
    return fc.dictionary(fc.string({ maxLength: 8 }), singleValueArb(field, ctx), { maxKeys: 3 });
  }
  if (field.fieldKind !== 'list') return singleValueArb(field, ctx);
  const element = singleValueArb(field, ctx);
  if (ctx.small) return fc.array(element, { maxLength: 3 });
  // "Deeply repeated": one small element a thousand or five thousand times (the batch limit is 1000).
  const smallElement = singleValueArb(field, { ...ctx, small: true });
  return weighted<unknown[]>(
    [12, fc.array(element, { maxLength: 3 })],
    [
      1,
      fc
        .tuple(smallElement, fc.constantFrom(1000, 1001, 5000))
        .map(([e, n]) => Array.from({ length: n }, () => e)),
    ],
  );
}

/** An init object for @bufbuild/protobuf's create(): a subset (or all) of the fields, oneofs included. */
function messageInitArb(desc: DescMessage, ctx: Context): fc.Arbitrary<Record<string, unknown>> {
  if (desc.typeName === 'google.protobuf.Timestamp') return timestampArb(ctx);
  if (ctx.depth > MAX_DEPTH) return fc.constant({});
  const coherent = ctx.plausibleMessages?.[desc.typeName];
  const generic = genericMessageInitArb(desc, ctx);
  return coherent && ctx.mode === 'plausible' ? weighted([3, coherent], [1, generic]) : generic;
}

function genericMessageInitArb(desc: DescMessage, ctx: Context): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of desc.fields) {
    if (field.oneof) continue;
    model[field.localName] = fieldArb(field, ctx);
  }
  for (const oneof of desc.oneofs) {
    model[oneof.localName] = fc.oneof(
      ...oneof.fields.map((f) => fieldArb(f, ctx).map((value) => ({ case: f.localName, value }))),
    );
  }
  // Every field set (plausible requests get deep), or any subset (missing required fields).
  return weighted(
    [ctx.mode === 'plausible' ? 3 : 1, fc.record(model)],
    [1, fc.record(model, { requiredKeys: [] })],
  );
}

// ---- encoding ---------------------------------------------------------------------------------------

export interface GeneratedMessage {
  init: Record<string, unknown>;
  bytes: Uint8Array;
}

function replaceMarks(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i + 2 < out.length; i++) {
    for (const [from, to] of MARK_BYTES) {
      if (out[i] === from[0] && out[i + 1] === from[1] && out[i + 2] === from[2]) out.set(to, i);
    }
  }
  return out;
}

/** Encodes with the descriptor, then puts the invalid UTF-8 in place of the marks (if the frame stays well-formed). */
export function encodeMessage(desc: DescMessage, init: Record<string, unknown>): Uint8Array {
  const bytes = toBinary(desc, create(desc, init as never));
  const marked = replaceMarks(bytes);
  try {
    fromBinary(desc, marked);
    return marked;
  } catch {
    return bytes; // a mark's bytes happened to sit inside a length or varint: keep the frame valid
  }
}

/** Messages of `desc`, half with mostly plausible values, half with mostly hostile ones. */
export function generatedMessage(
  desc: DescMessage,
  options: GenerationOptions,
): fc.Arbitrary<GeneratedMessage> {
  return fc
    .constantFrom<Context['mode']>('plausible', 'hostile')
    .chain((mode) => messageInitArb(desc, { ...options, mode, small: false, depth: 0 }))
    .map((init) => ({ init, bytes: encodeMessage(desc, init) }));
}

// ---- frames: what goes on the wire as one gRPC message ------------------------------------------------

export type FrameKind = 'generated' | 'random bytes' | 'truncated' | 'spliced';

export interface Frame {
  kind: FrameKind;
  bytes: Uint8Array;
  /** A short description for reports. */
  describe(): string;
}

const NASTY_BYTES: [string, Uint8Array][] = [
  ['field 1 claims a 4 GiB length', Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])],
  ['cut varint', Uint8Array.from([0x08])],
  ['11-byte varint', Uint8Array.from([0x08, ...Array<number>(10).fill(0xff), 0x01])],
  ['wire type 7', Uint8Array.from([0x0f, 0x00])],
  ['end-group without start', Uint8Array.from([0x0c])],
  ['field number 0', Uint8Array.from([0x02, 0x00])],
  [
    '20,000 nested groups',
    Uint8Array.from([...Array<number>(20_000).fill(0x0b), ...Array<number>(20_000).fill(0x0c)]),
  ],
  ['field 1 as a varint of 2^64-1', Uint8Array.from([0x08, ...Array<number>(9).fill(0xff), 0x01])],
];

export function frameArb(desc: DescMessage, options: GenerationOptions): fc.Arbitrary<Frame> {
  const generated = generatedMessage(desc, options);
  return weighted<Frame>(
    [
      14,
      generated.map(({ init, bytes }) => ({
        kind: 'generated',
        bytes,
        describe: () => `${desc.name} ${describeValue(init)}`,
      })),
    ],
    [
      2,
      fc
        .uint8Array({ maxLength: 96 })
        .map((bytes) => ({ kind: 'random bytes', bytes, describe: () => `random bytes ${hex(bytes)}` })),
    ],
    [
      1,
      fc
        .uint8Array({ minLength: 1000, maxLength: 8192 })
        .map((bytes) => ({ kind: 'random bytes', bytes, describe: () => `random bytes ${hex(bytes)}` })),
    ],
    [
      1,
      fc
        .constantFrom(...NASTY_BYTES)
        .map(([what, bytes]) => ({ kind: 'random bytes', bytes, describe: () => what })),
    ],
    [
      3,
      fc
        .tuple(generated, fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }))
        .map(([{ init, bytes }, at]) => {
          const cut = Math.floor(bytes.length * at);
          return {
            kind: 'truncated',
            bytes: bytes.subarray(0, cut),
            describe: () => `${desc.name} cut at ${cut} of ${bytes.length} bytes: ${describeValue(init)}`,
          };
        }),
    ],
    [
      1,
      fc.tuple(generated, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([{ init, bytes }, tail]) => ({
        kind: 'spliced',
        bytes: Buffer.concat([bytes, tail]),
        describe: () => `${desc.name} + bytes ${hex(tail)}: ${describeValue(init)}`,
      })),
    ],
  );
}

// ---- describing inputs compactly ----------------------------------------------------------------------

function hex(bytes: Uint8Array): string {
  const shown = Buffer.from(bytes.subarray(0, 24)).toString('hex');
  return bytes.length > 24 ? `${shown}… (${bytes.length} bytes)` : shown || '(empty)';
}

/** JSON-like, with long strings and big arrays abbreviated, so a finding fits on a line. */
export function describeValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v instanceof Uint8Array) return `<${v.length} bytes>`;
    if (typeof v === 'string') {
      const shown = v.length > 40 ? `${v.slice(0, 12)}…(${v.length} chars)` : v;
      return shown
        .replaceAll(LONE_SURROGATE_MARK, '<lone surrogate>')
        .replaceAll(INVALID_UTF8_MARK, '<invalid UTF-8>');
    }
    if (Array.isArray(v) && v.length > 4) return [...(v as unknown[]).slice(0, 2), `…×${v.length}`];
    return v;
  });
}
