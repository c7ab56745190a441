/**
 * The CDR store sends a batch as one array per column: in PostgreSQL's binary format to a server,
 * as text literals to the embedded database (cdr-store.ts, binary-arrays.ts). Whatever the
 * encoding, every value comes back as it was given: quotes, backslashes, braces, commas, NULL-like
 * words, any Unicode, absent optionals, instants before 1970 and to the millisecond, JSON with
 * escapes. On a server both encodings are checked against each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cdr } from '../../src/domain/cdr';
import type { CdrToStore } from '../../src/app/ingest/ports';
import { openDatabase, type Database } from '../../src/persistence/database';
import { PostgresCdrStore, type ParameterEncoding } from '../../src/persistence/cdr-store';
import { int4Array, int8Array, jsonbArray, textArray } from '../../src/persistence/binary-arrays';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let db: TestDatabase;
let database: Database;
beforeAll(async () => {
  db = await createTestDatabase();
  database = await openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
  await database.migrate();
  await sql(
    `insert into rule_sets (hash, name, version, effective_from, currency, files)
     values ('hash-1', 'test', '1', '2020-01-01', 'SEK', '{}'::jsonb)`,
  );
}, 120_000);
afterAll(async () => {
  await database?.close();
  await db?.drop();
});

async function sql<T>(text: string, bindings: unknown[] = []): Promise<T[]> {
  return rowsOf<T>(await database.orm.em.getKnex().raw(text, bindings as never));
}

/** Text that an array literal or a JSON text must escape, or that looks like SQL. */
const AWKWARD = ['a"b', 'back\\slash', '{braces}', 'com,ma', 'NULL', '', ' spaced ', 'ÅÄÖ ✓ 😀', "it's"];

function cdrOf(i: number, text: string, prefix: string): Cdr {
  return {
    bridgeId: `${prefix}-bridge ${text}`,
    recordId: `${i}:${text}`,
    conferenceId: `conf ${text}`,
    bookingId: i % 2 ? `booking ${text}` : undefined,
    customerAccount: `ACCT ${text}`,
    accessType: 'dial_out',
    callerNumber: i % 3 ? `+46 ${text}` : undefined,
    calledNumber: i % 2 ? undefined : '+4681234567',
    startTime: new Date(Date.UTC(1969, 11, 31, 23, 59, 58, 1) + i * 86_400_123),
    answerTime: i % 2 ? new Date(Date.UTC(1970, 0, 1, 0, 0, 3, 7) + i * 86_400_123) : undefined,
    endTime: new Date(Date.UTC(1970, 0, 1, 0, 2, 0, 999) + i * 86_400_123),
    durationSeconds: 120 + i,
    features: i % 2 ? [] : ['recording', 'transcription'],
  };
}

function rowOf(cdr: Cdr, i: number, text: string): CdrToStore {
  if (i % 4 === 3)
    return { cdr, fingerprint: `fp ${i}`, rating: { rated: false, reason: `no price ${text}` } };
  return {
    cdr,
    fingerprint: `fp ${i}`,
    rating: {
      rated: true,
      charge: {
        amount: `${i}.0001`,
        currency: 'SEK',
        ruleSetHash: 'hash-1',
        firedRules: [`rule ${text}`, 'plain'],
        explanation: { inputs: {}, rulesFired: [], steps: [] } as never,
        quantities: () => ({ zone: `zone ${text}`, billedSeconds: 180 + i }),
        parts: [
          {
            kind: 'usage',
            quantity: '180',
            unitCode: 'SEC',
            price: '1.5',
            baseQuantity: '60',
            discountReason: text,
          },
        ],
      },
    },
    pricedWith: {
      customer: { timeZone: 'Europe/Stockholm', currency: 'SEK' },
      bookedFeatures: ['recording'],
    },
  };
}

/** An instant as milliseconds since the epoch, exact (extract gives numeric). */
const EPOCH_MS = (column: string) => `(extract(epoch from d.${column}) * 1000)::float8 as ${column}`;

/** Everything stored of a bridge's records, in a form both encodings must give alike. */
async function storedOf(bridgePrefix: string) {
  return sql<Record<string, unknown>>(
    `select d.record_id, substr(d.bridge_id, length(?) + 1) as bridge_suffix, d.fingerprint, d.conference_id,
            d.booking_id, d.customer_account, d.access_type, d.caller_number, d.called_number,
            ${EPOCH_MS('start_time')}, ${EPOCH_MS('answer_time')}, ${EPOCH_MS('end_time')}, d.duration_seconds, d.features, d.rating_status,
            d.unrated_reason, c.amount::text as amount, c.currency, c.rule_set_hash, c.fired_rules,
            c.pricing_facts, c.zone, c.billed_seconds, c.parts, c.access_type as charge_access_type
     from cdrs d left join charges c on c.cdr_id = d.id and c.call_start = d.start_time
     where d.bridge_id like ? order by d.record_id`,
    [bridgePrefix, `${bridgePrefix}%`],
  );
}

async function storeWith(encoding: ParameterEncoding, prefix: string): Promise<CdrToStore[]> {
  const rows = AWKWARD.map((text, i) => rowOf(cdrOf(i, text, prefix), i, text));
  const outcomes = await new PostgresCdrStore(database, encoding).insertBatch(rows);
  expect(outcomes).toEqual(rows.map(() => ({ inserted: true })));
  return rows;
}

const encodings: ParameterEncoding[] = process.env.DATABASE_URL ? ['binary', 'text'] : ['text'];

describe('a batch stored through the column parameters', () => {
  it.each(encodings)(
    'keeps every value as given (%s)',
    async (encoding) => {
      const rows = await storeWith(encoding, encoding);
      const stored = await storedOf(encoding);
      expect(stored).toHaveLength(rows.length);
      const byRecord = new Map(stored.map((s) => [s.record_id, s]));
      for (const { cdr, fingerprint, rating, pricedWith } of rows) {
        const s = byRecord.get(cdr.recordId)!;
        expect({
          bridge: `${encoding}${s.bridge_suffix as string}`,
          conference: s.conference_id,
          booking: s.booking_id,
          customer: s.customer_account,
          caller: s.caller_number,
          called: s.called_number,
          start: s.start_time,
          answer: s.answer_time,
          end: s.end_time,
          duration: s.duration_seconds,
          features: s.features,
          fingerprint: s.fingerprint,
          status: s.rating_status,
          reason: s.unrated_reason,
        }).toEqual({
          bridge: cdr.bridgeId,
          conference: cdr.conferenceId,
          booking: cdr.bookingId ?? null,
          customer: cdr.customerAccount,
          caller: cdr.callerNumber ?? null,
          called: cdr.calledNumber ?? null,
          start: cdr.startTime.getTime(),
          answer: cdr.answerTime?.getTime() ?? null,
          end: cdr.endTime.getTime(),
          duration: cdr.durationSeconds,
          features: cdr.features,
          fingerprint,
          status: rating.rated ? 'rated' : 'unrated',
          reason: rating.rated ? null : rating.reason,
        });
        if (!rating.rated) {
          expect(s.amount).toBeNull();
          continue;
        }
        const quantities = rating.charge.quantities!(cdr.durationSeconds);
        expect({
          amount: s.amount,
          ruleSet: s.rule_set_hash,
          fired: s.fired_rules,
          facts: s.pricing_facts,
          zone: s.zone,
          billed: s.billed_seconds,
          parts: s.parts,
          access: s.charge_access_type,
        }).toEqual({
          amount: rating.charge.amount,
          ruleSet: 'hash-1',
          fired: rating.charge.firedRules,
          facts: pricedWith,
          zone: quantities.zone,
          billed: quantities.billedSeconds,
          parts: rating.charge.parts,
          access: cdr.accessType,
        });
      }
    },
    60_000,
  );

  it.each(encodings)('answers the same records again as stored, with their fields (%s)', async (encoding) => {
    const rows = AWKWARD.map((text, i) => rowOf(cdrOf(i, text, encoding), i, text));
    const again = await new PostgresCdrStore(database, encoding).insertBatch(rows);
    expect(again).toEqual(
      rows.map((r) => ({ inserted: false, storedFingerprint: r.fingerprint, stored: r.cdr })),
    );
  });

  it.skipIf(!process.env.DATABASE_URL)('stores the same rows in binary as in text', async () => {
    // storedOf drops each bridge id's encoding prefix, so the two sets compare row by row.
    expect(await storedOf('binary')).toEqual(await storedOf('text'));
  });

  it.each(encodings)(
    'fails a batch whose keys the database would store otherwise, storing none of it (%s)',
    async (encoding) => {
      // Lone surrogates, which validation refuses: both become U+FFFD, one key in the database.
      // Unrated, so no charge's unique key refuses the statement before the store's own check.
      const rows = ['y\ud800', 'y\udc00'].map((text) => rowOf(cdrOf(0, text, `odd-${encoding}`), 3, 'plain'));
      await expect(new PostgresCdrStore(database, encoding).insertBatch(rows)).rejects.toThrow(
        /stored 1 and skipped 0 of 2 records/,
      );
      const [count] = await sql<{ n: number }>(
        `select count(*)::int as n from cdr_keys where bridge_id like ?`,
        [`odd-${encoding}%`],
      );
      expect(count!.n).toBe(0);
    },
  );
});

describe.skipIf(!process.env.DATABASE_URL)('binary arrays, as the server reads them', () => {
  it('reads text, jsonb, integer and bigint elements and NULLs as written', async () => {
    const [row] = await sql<Record<string, unknown>>(
      `select ?::text[] as texts, ?::jsonb[] as jsons, ?::integer[] as ints, ?::bigint[]::text[] as bigs,
              ?::text[] as empty`,
      [
        textArray([...AWKWARD, null]),
        jsonbArray(['{"a":"\\"q\\" ✓"}', null, '[1,2.50]']),
        int4Array([0, -1, 2 ** 31 - 1, -(2 ** 31), null]),
        int8Array([0, -1, 1, 2 ** 47 - 1, -(2 ** 47) + 1, -86_400_000, 7_258_118_400_000, null]),
        textArray([]),
      ],
    );
    expect(row).toEqual({
      texts: [...AWKWARD, null],
      jsons: [{ a: '"q" ✓' }, null, [1, 2.5]],
      ints: [0, -1, 2 ** 31 - 1, -(2 ** 31), null],
      bigs: ['0', '-1', '1', String(2 ** 47 - 1), String(-(2 ** 47) + 1), '-86400000', '7258118400000', null],
      empty: [],
    });
  });

  it('refuses an integer it cannot write exactly', () => {
    expect(() => int8Array([2 ** 47])).toThrow(RangeError);
    expect(() => int8Array([1.5])).toThrow(RangeError);
  });
});
