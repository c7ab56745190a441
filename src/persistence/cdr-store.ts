/**
 * The bulk path for CDRs: one statement inserts a whole batch and the charges of its rated records,
 * and dedup is the database's unique key (bridge_id, record_id) of the unpartitioned `cdr_keys`
 * with ON CONFLICT DO NOTHING: only records whose key is fresh reach the monthly partitions.
 * The same statement adds the new charges to the customer's daily totals (running charges for sales).
 * Rows travel as one array parameter per column (unnest), which avoids thousands of bind
 * parameters: in PostgreSQL's binary format to a server, as text to the embedded PGlite.
 *
 * A charge row is narrow: instead of its explanation's words it stores what it was priced with
 * (`pricing_facts`), from which explain-charge.ts re-derives the same words with the archived rule
 * set: a charge row is about a third of what it was (issue 14).
 */
import type { Cdr, AccessType, Feature } from '../domain/cdr';
import type {
  CdrToStore,
  IdempotentCdrStore,
  PricedWith,
  StoredCharge,
  StoredCharges,
  StoreOutcome,
} from '../app/ingest/ports';
import type { Explanation } from '../domain/rating/types';
import type { Database } from './database';
import { dailyTotalsUpsertCte } from './daily-totals-sql';
import type { RequestKey } from '../app/mutations';
import { json, once, retryOnConflict, rowsOf } from './sql-helpers';
import { enterChargeWriters } from './charge-fence';
import { chargeQuantitiesOf } from './charge-with-words';
import { pooledTransaction, type SqlTransaction } from './pooled-transaction';
import { isMissingPartition, MonthPartitions } from './month-partitions';
import { int4Array, int8Array, jsonbArray, textArray } from './binary-arrays';

/**
 * The batch's columns: name and the SQL type of one value (epoch_ms: a timestamptz, see
 * FROM_EPOCH_MS; text[]: an array literal, cast per row, since unnest cannot take ragged arrays;
 * numeric: its decimal text, cast per row). Each travels as ONE array parameter (`unnest`), as a
 * plain bulk insert sends them; a JSON recordset cost the server about 65 us a row to take apart,
 * half of the whole statement.
 */
const COLUMNS = [
  ['bridge_id', 'text'],
  ['record_id', 'text'],
  ['fingerprint', 'text'],
  ['conference_id', 'text'],
  ['booking_id', 'text'],
  ['customer_account', 'text'],
  ['access_type', 'text'],
  ['caller_number', 'text'],
  ['called_number', 'text'],
  ['start_time', 'epoch_ms'],
  ['answer_time', 'epoch_ms'],
  ['end_time', 'epoch_ms'],
  ['duration_seconds', 'integer'],
  ['features', 'text[]'],
  ['rating_status', 'text'],
  ['unrated_reason', 'text'],
  ['amount', 'numeric'],
  ['currency', 'text'],
  ['rule_set_hash', 'text'],
  ['fired_rules', 'text[]'],
  ['pricing_facts', 'jsonb'],
  ['zone', 'text'],
  ['billed_seconds', 'integer'],
  ['parts', 'jsonb'],
] as const;

type Column = (typeof COLUMNS)[number][0];
type ColumnType = (typeof COLUMNS)[number][1];

/**
 * How the parameters travel. node-postgres sends Buffers in PostgreSQL's binary format
 * (binary-arrays.ts): nothing to escape here, nothing to parse there, and no large strings for
 * the garbage collector to copy. PGlite takes text parameters only, so the embedded database gets
 * array literals, and a jsonb column one JSON array (no escaping of its quotes), taken apart in
 * order.
 */
export type ParameterEncoding = 'binary' | 'text';

/** A jsonb column as text: one JSON array, a JSON null (an unrated row) becoming SQL NULL. */
const JSONB_ARRAY = `array(select nullif(e, 'null'::jsonb) from jsonb_array_elements(?::jsonb) with ordinality as j(e, n) order by n)`;

/**
 * An instant travels as its milliseconds since the epoch, turned back into a timestamptz in
 * microseconds through a float8 product: exact below 2^53 us, about the year 2255, well past the
 * wire guard's 2200. Formatting three ISO strings per CDR was most of the 9 us per CDR that
 * building the parameters took (5 us then).
 */
const FROM_EPOCH_MS = (name: string) => `timestamptz 'epoch' + ${name} * interval '1 millisecond' as ${name}`;

/** How each column is selected from the unnested parameters. */
function selectColumn([name, type]: (typeof COLUMNS)[number]): string {
  if (type === 'epoch_ms') return FROM_EPOCH_MS(name);
  if (type === 'text[]' || type === 'numeric') return `${name}::${type} as ${name}`;
  return name;
}

/** The SQL array type each column's parameter is read as. */
const PARAMETER_TYPE: Record<ColumnType, string> = {
  text: 'text[]',
  'text[]': 'text[]',
  numeric: 'text[]',
  epoch_ms: 'bigint[]',
  integer: 'integer[]',
  jsonb: 'jsonb[]',
};

/** The parameter of each column: one array, or as text one JSON array for a jsonb column. */
function columnParameter(encoding: ParameterEncoding) {
  return ([, type]: (typeof COLUMNS)[number]): string =>
    type === 'jsonb' && encoding === 'text' ? JSONB_ARRAY : `?::${PARAMETER_TYPE[type]}`;
}

const insertBatch = (encoding: ParameterEncoding) => `
with input as (
  select ${COLUMNS.map(selectColumn).join(', ')}
  from unnest(${COLUMNS.map(columnParameter(encoding)).join(', ')})
    as x(${COLUMNS.map(([name]) => name).join(', ')})
),
keyed as (
  insert into cdr_keys (bridge_id, record_id, fingerprint, start_time)
  select bridge_id, record_id, fingerprint, start_time
  from input
  order by bridge_id, record_id
  on conflict (bridge_id, record_id) do nothing
  returning bridge_id, record_id
),
inserted as (
  insert into cdrs (bridge_id, record_id, fingerprint, conference_id, booking_id, customer_account,
                    access_type, caller_number, called_number, start_time, answer_time, end_time,
                    duration_seconds, features, rating_status, unrated_reason)
  select bridge_id, record_id, fingerprint, conference_id, booking_id, customer_account,
         access_type, caller_number, called_number, start_time, answer_time, end_time,
         duration_seconds, features, rating_status, unrated_reason
  from input join keyed using (bridge_id, record_id)
  returning id, bridge_id, record_id
),
charged as (
  insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules,
                       pricing_facts, zone, billed_seconds, parts, access_type)
  select inserted.id, input.customer_account, input.start_time, input.amount, input.currency,
         input.rule_set_hash, input.fired_rules, input.pricing_facts, input.zone, input.billed_seconds, input.parts,
         input.access_type
  from inserted join input using (bridge_id, record_id)
  where input.rating_status = 'rated'
  returning customer_account, call_start, access_type, amount, currency, zone, billed_seconds
),
${dailyTotalsUpsertCte('charged')}
-- One row: how many records it stored, and the keys of those it did not (usually none).
select (select count(*) from keyed)::integer as stored,
       coalesce(array_agg(i.bridge_id), '{}') as bridge_ids,
       coalesce(array_agg(i.record_id), '{}') as record_ids
from input i
where not exists (select from keyed k where k.bridge_id = i.bridge_id and k.record_id = i.record_id)`;

export const INSERT_BATCH: Record<ParameterEncoding, string> = {
  binary: insertBatch('binary'),
  text: insertBatch('text'),
};

/**
 * The stored side of records that were not fresh: the key (with its fingerprint) always, the CDR's
 * fields while its month is kept; retention may have dropped them (then only the fingerprint).
 */
const SELECT_STORED = `
select k.bridge_id, k.record_id, k.fingerprint, c.conference_id, c.booking_id, c.customer_account, c.access_type,
       c.caller_number, c.called_number, c.start_time, c.answer_time, c.end_time, c.duration_seconds, c.features
from jsonb_to_recordset(?::jsonb) as w(bridge_id text, record_id text)
join cdr_keys k using (bridge_id, record_id)
left join cdrs c on c.bridge_id = k.bridge_id and c.record_id = k.record_id and c.start_time = k.start_time`;

/** PostgreSQL error codes worth one more try: deadlock between overlapping batches, serialization. */

const CURRENT_CHARGE = `
select d.*, c.amount::text as amount, c.currency, c.rule_set_hash, c.fired_rules, c.explanation, c.pricing_facts
from cdr_keys k
join cdrs d on d.bridge_id = k.bridge_id and d.record_id = k.record_id and d.start_time = k.start_time
join charges c on c.cdr_id = d.id and c.call_start = d.start_time and c.superseded_at is null
where k.bridge_id = ? and k.record_id = ?`;

export class PostgresCdrStore implements IdempotentCdrStore, StoredCharges {
  private readonly partitions = new MonthPartitions();

  /** `encoding`: the embedded database takes text parameters only; a server gets binary ones. */
  constructor(
    private readonly database: Database,
    private readonly encoding: ParameterEncoding = database.kind === 'postgresql' ? 'binary' : 'text',
  ) {}

  async currentCharge(bridgeId: string, recordId: string): Promise<StoredCharge | undefined> {
    const knex = this.database.orm.em.getKnex();
    const [row] = rowsOf<
      StoredRow & {
        amount: string;
        currency: string;
        rule_set_hash: string;
        fired_rules: string[];
        explanation: unknown;
        pricing_facts: unknown;
      }
    >(await knex.raw(CURRENT_CHARGE, [bridgeId, recordId]));
    if (!row) return undefined;
    return {
      cdr: fromRow(row),
      amount: row.amount,
      currency: row.currency,
      ruleSetHash: row.rule_set_hash,
      firedRules: row.fired_rules,
      explanation: row.explanation == null ? undefined : json<Explanation>(row.explanation),
      pricedWith: row.pricing_facts == null ? undefined : json<PricedWith>(row.pricing_facts),
    };
  }

  insertBatch(rows: CdrToStore[]): Promise<StoreOutcome[]> {
    return this.transaction(rows, (trx) => insertIn(trx, rows, this.encoding));
  }

  /** The key is claimed in the insert's own transaction, so a batch and its request key commit together or not at all. */
  insertBatchOnce<R>(
    request: RequestKey,
    rows: CdrToStore[],
    reply: (outcomes: StoreOutcome[]) => R,
  ): Promise<R> {
    return this.transaction(rows, (trx) =>
      once(trx, request, async () => reply(rows.length ? await insertIn(trx, rows, this.encoding) : []), {
        encode: (v) => v,
        decode: (v) => v as R,
      }),
    );
  }

  /**
   * The batch's months exist before its transaction starts (month-partitions.ts), and the
   * transaction is a charge writer for a close's fence (charge-fence.ts).
   */
  private async transaction<T>(rows: CdrToStore[], work: (trx: SqlTransaction) => Promise<T>): Promise<T> {
    const knex = this.database.orm.em.getKnex();
    const months = rows.map((r) => r.cdr.startTime);
    await this.partitions.ensureMonths(knex, months);
    const writeCharges = (trx: SqlTransaction) => enterChargeWriters(trx).then(() => work(trx));
    const commit = () => retryOnConflict(3, () => pooledTransaction(knex, writeCharges));
    try {
      return await commit();
    } catch (error) {
      if (!isMissingPartition(error)) throw error;
      this.partitions.forget();
      await this.partitions.ensureMonths(knex, months);
      return commit();
    }
  }
}

async function insertIn(
  trx: SqlTransaction,
  rows: CdrToStore[],
  encoding: ParameterEncoding,
): Promise<StoreOutcome[]> {
  // One row per key reaches the statement (cdrs has no unique key of its own any more): a record
  // sent twice in one batch is decided by its first copy, and the second is answered against it.
  // Here, not in SQL: a DISTINCT ON over the batch halved ingest.
  const keys = rows.map((r) => key(r.cdr.bridgeId, r.cdr.recordId));
  const first = new Map<string, CdrToStore>();
  rows.forEach((r, i) => {
    if (!first.has(keys[i]!)) first.set(keys[i]!, r);
  });
  const parameters = insertParameters([...first.values()], encoding);
  const [answer] = rowsOf<BatchAnswer>(await trx.raw(INSERT_BATCH[encoding], parameters));
  const stale = staleKeys(answer!, first);
  const missing = rows.filter((_, i) => stale.has(keys[i]!));
  const stored = new Map<string, KeyedRow>();
  if (missing.length) {
    const wanted = JSON.stringify(
      missing.map((r) => ({ bridge_id: r.cdr.bridgeId, record_id: r.cdr.recordId })),
    );
    for (const row of rowsOf<KeyedRow>(await trx.raw(SELECT_STORED, [wanted]))) {
      stored.set(key(row.bridge_id, row.record_id), row);
    }
  }
  return rows.map((r, i): StoreOutcome => {
    const k = keys[i]!;
    const earlier = first.get(k)!;
    if (!stale.has(k) && earlier === r) return { inserted: true };
    if (!stale.has(k))
      return { inserted: false, storedFingerprint: earlier.fingerprint, stored: earlier.cdr };
    const row = stored.get(k);
    if (!row) throw new Error(`CDR ${k} neither inserted nor found`);
    const kept = row.start_time === null ? undefined : fromRow(row as StoredRow);
    return { inserted: false, storedFingerprint: row.fingerprint, stored: kept };
  });
}

/** INSERT_BATCH's one row: how many records it stored, and the keys of those it did not. */
interface BatchAnswer {
  stored: number;
  bridge_ids: string[];
  record_ids: string[];
}

/**
 * The keys the statement did not store, which are all the others it was sent: a batch of new
 * records reads back nothing but a count. The count and the keys must account for every record
 * sent, each under the key it was sent with; a key the database stored otherwise (which validation
 * keeps from happening) fails the batch rather than answering a record as new that was not.
 */
function staleKeys(answer: BatchAnswer, sent: Map<string, CdrToStore>): Set<string> {
  const stale = new Set(answer.bridge_ids.map((b, i) => key(b, answer.record_ids[i]!)));
  const unknown = [...stale].some((k) => !sent.has(k));
  if (unknown || answer.stored + stale.size !== sent.size)
    throw new Error(
      `the batch statement stored ${answer.stored} and skipped ${stale.size} of ${sent.size} records` +
        (unknown ? ', some under a key it was not sent' : ''),
    );
  return stale;
}

/** A row of SELECT_STORED: the key always, the CDR's columns null once its month is archived. */
type KeyedRow = Omit<StoredRow, 'start_time'> & { start_time: StoredRow['start_time'] | null };

export interface StoredRow {
  bridge_id: string;
  record_id: string;
  fingerprint: string;
  conference_id: string;
  booking_id: string | null;
  customer_account: string;
  access_type: string;
  caller_number: string | null;
  called_number: string | null;
  start_time: Date | string;
  answer_time: Date | string | null;
  end_time: Date | string;
  duration_seconds: number;
  features: string[];
}

function key(bridgeId: string, recordId: string): string {
  return `${bridgeId}\u0000${recordId}`;
}

/** INSERT_BATCH's parameters for these rows. */
function insertParameters(rows: CdrToStore[], encoding: ParameterEncoding): (string | Buffer)[] {
  const values = rows.map(toRow);
  return COLUMNS.map(([name, type]) => {
    const column = new Array<Value>(values.length);
    for (let i = 0; i < values.length; i++) column[i] = values[i]![name];
    return encoding === 'binary' ? binaryColumn(type, column) : textColumn(type, column);
  });
}

/** One column as PostgreSQL array literal, or for jsonb as one JSON array (see JSONB_ARRAY). */
function textColumn(type: ColumnType, values: Value[]): string {
  return type === 'jsonb' ? JSON.stringify(values) : arrayLiteral(values as Scalar[]);
}

/** One column in PostgreSQL's binary array format, read as PARAMETER_TYPE[type]. */
function binaryColumn(type: ColumnType, values: Value[]): Buffer {
  switch (type) {
    case 'epoch_ms':
      return int8Array(values as (number | null)[]);
    case 'integer':
      return int4Array(values as (number | null)[]);
    case 'jsonb':
      return jsonbArray(values.map((v) => (v === null ? null : JSON.stringify(v))));
    case 'text[]':
      return textArray((values as (readonly string[] | null)[]).map((v) => v && arrayLiteral(v)));
    default:
      return textArray(values as (string | null)[]);
  }
}

/** A value of one row's column: array columns arrive as arrays, jsonb columns as plain values. */
type Scalar = string | number | readonly string[] | null;
type Value = Scalar | object;

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/**
 * A PostgreSQL array literal: every element quoted (so commas, braces and spaces are data),
 * backslash and double quote escaped, null as NULL. An array element becomes its own literal,
 * cast back per row.
 */
export function arrayLiteral(values: readonly Scalar[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    const v = values[i];
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : arrayLiteral(v);
    out += NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPED, '\\$&')}"` : `"${text}"`;
  }
  return `${out}}`;
}

function toRow({ cdr, fingerprint, rating, pricedWith }: CdrToStore): Record<Column, Value> {
  const quantities = rating.rated ? chargeQuantitiesOf(rating.charge, cdr.durationSeconds) : undefined;
  return {
    bridge_id: cdr.bridgeId,
    record_id: cdr.recordId,
    fingerprint,
    conference_id: cdr.conferenceId,
    booking_id: cdr.bookingId ?? null,
    customer_account: cdr.customerAccount,
    access_type: cdr.accessType,
    caller_number: cdr.callerNumber ?? null,
    called_number: cdr.calledNumber ?? null,
    start_time: cdr.startTime.getTime(),
    answer_time: cdr.answerTime?.getTime() ?? null,
    end_time: cdr.endTime.getTime(),
    duration_seconds: cdr.durationSeconds,
    features: cdr.features,
    rating_status: rating.rated ? 'rated' : 'unrated',
    unrated_reason: rating.rated ? null : rating.reason,
    amount: rating.rated ? rating.charge.amount : null,
    currency: rating.rated ? rating.charge.currency : null,
    rule_set_hash: rating.rated ? rating.charge.ruleSetHash : null,
    fired_rules: rating.rated ? rating.charge.firedRules : null,
    pricing_facts: rating.rated ? (pricedWith ?? {}) : null,
    zone: quantities?.zone ?? null,
    billed_seconds: quantities?.billedSeconds ?? null,
    parts: rating.rated ? rating.charge.parts : null,
  };
}

export function fromRow(row: StoredRow): Cdr {
  const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));
  return {
    bridgeId: row.bridge_id,
    recordId: row.record_id,
    conferenceId: row.conference_id,
    bookingId: row.booking_id ?? undefined,
    customerAccount: row.customer_account,
    accessType: row.access_type as AccessType,
    callerNumber: row.caller_number ?? undefined,
    calledNumber: row.called_number ?? undefined,
    startTime: date(row.start_time),
    answerTime: row.answer_time ? date(row.answer_time) : undefined,
    endTime: date(row.end_time),
    durationSeconds: row.duration_seconds,
    features: row.features as Feature[],
  };
}
