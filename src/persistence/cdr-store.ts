/**
 * The bulk path for CDRs: one statement inserts a whole batch and the charges of its rated records,
 * and dedup is the database's unique key (bridge_id, record_id) with ON CONFLICT DO NOTHING.
 * The same statement adds the new charges to the customer's daily totals (running charges for sales).
 * Rows travel as one JSON parameter (jsonb_to_recordset), which works the same on PostgreSQL and
 * on the embedded PGlite and avoids thousands of bind parameters.
 */
import type { Cdr, AccessType, Feature } from '../domain/cdr';
import { chargeQuantities } from '../domain/rating/charge-quantities';
import type { CdrToStore, IdempotentCdrStore, StoreOutcome } from '../app/ingest/ports';
import type { Database } from './database';
import { dailyTotalsUpsertCte } from './daily-totals-sql';
import type { Knex } from '@mikro-orm/postgresql';
import type { RequestKey } from '../app/mutations';
import { once, retryOnConflict } from './sql-helpers';

const INSERT_BATCH = `
with input as (
  select * from jsonb_to_recordset(?::jsonb) as x(
    bridge_id text, record_id text, fingerprint text, conference_id text, booking_id text,
    customer_account text, access_type text, caller_number text, called_number text,
    start_time timestamptz, answer_time timestamptz, end_time timestamptz, duration_seconds integer,
    features text[], rating_status text, unrated_reason text,
    amount numeric, currency text, rule_set_hash text, fired_rules text[], explanation jsonb,
    zone text, billed_seconds integer, parts jsonb)
),
inserted as (
  insert into cdrs (bridge_id, record_id, fingerprint, conference_id, booking_id, customer_account,
                    access_type, caller_number, called_number, start_time, answer_time, end_time,
                    duration_seconds, features, rating_status, unrated_reason)
  select bridge_id, record_id, fingerprint, conference_id, booking_id, customer_account,
         access_type, caller_number, called_number, start_time, answer_time, end_time,
         duration_seconds, features, rating_status, unrated_reason
  from input
  order by bridge_id, record_id
  on conflict (bridge_id, record_id) do nothing
  returning id, bridge_id, record_id
),
charged as (
  insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation,
                       zone, billed_seconds, parts)
  select inserted.id, input.customer_account, input.start_time, input.amount, input.currency,
         input.rule_set_hash, input.fired_rules, input.explanation, input.zone, input.billed_seconds, input.parts
  from inserted join input using (bridge_id, record_id)
  where input.rating_status = 'rated'
),
fresh as (
  select input.customer_account, input.start_time as call_start, input.access_type, input.amount,
         input.currency, input.zone, input.billed_seconds
  from inserted join input using (bridge_id, record_id)
  where input.rating_status = 'rated'
),
${dailyTotalsUpsertCte('fresh')}
select bridge_id, record_id from inserted`;

const SELECT_STORED = `
select c.* from cdrs c
join jsonb_to_recordset(?::jsonb) as k(bridge_id text, record_id text) using (bridge_id, record_id)`;

/** PostgreSQL error codes worth one more try: deadlock between overlapping batches, serialization. */

export class PostgresCdrStore implements IdempotentCdrStore {
  constructor(private readonly database: Database) {}

  insertBatch(rows: CdrToStore[]): Promise<StoreOutcome[]> {
    return this.transaction((trx) => insertIn(trx, rows));
  }

  /** The key is claimed in the insert's own transaction, so a batch and its request key commit together or not at all. */
  insertBatchOnce<R>(
    request: RequestKey,
    rows: CdrToStore[],
    reply: (outcomes: StoreOutcome[]) => R,
  ): Promise<R> {
    return this.transaction((trx) =>
      once(trx, request, async () => reply(rows.length ? await insertIn(trx, rows) : []), {
        encode: (v) => v,
        decode: (v) => v as R,
      }),
    );
  }

  private transaction<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    const knex = this.database.orm.em.getKnex();
    return retryOnConflict(3, () => knex.transaction(work));
  }
}

async function insertIn(trx: Knex.Transaction, rows: CdrToStore[]): Promise<StoreOutcome[]> {
  const inserted = rowsOf(await trx.raw(INSERT_BATCH, [JSON.stringify(rows.map(toRow))]));
  const fresh = new Set(inserted.map((r) => key(r.bridge_id, r.record_id)));
  const missing = rows.filter((r) => !fresh.has(key(r.cdr.bridgeId, r.cdr.recordId)));
  const stored = new Map<string, StoredRow>();
  if (missing.length) {
    const keys = JSON.stringify(
      missing.map((r) => ({ bridge_id: r.cdr.bridgeId, record_id: r.cdr.recordId })),
    );
    for (const row of rowsOf(await trx.raw(SELECT_STORED, [keys])) as StoredRow[]) {
      stored.set(key(row.bridge_id, row.record_id), row);
    }
  }
  return rows.map((r): StoreOutcome => {
    const k = key(r.cdr.bridgeId, r.cdr.recordId);
    if (fresh.has(k)) return { inserted: true };
    const row = stored.get(k);
    if (!row) throw new Error(`CDR ${k} neither inserted nor found`);
    return { inserted: false, storedFingerprint: row.fingerprint, stored: fromRow(row) };
  });
}

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

/** knex.raw answers `{ rows }` on node-postgres and PGlite alike. */
function rowsOf(result: unknown): { bridge_id: string; record_id: string }[] {
  return ((result as { rows?: unknown[] }).rows ?? []) as { bridge_id: string; record_id: string }[];
}

function toRow({ cdr, fingerprint, rating }: CdrToStore) {
  const quantities = rating.rated
    ? chargeQuantities(rating.charge.explanation, cdr.durationSeconds)
    : undefined;
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
    start_time: cdr.startTime.toISOString(),
    answer_time: cdr.answerTime?.toISOString() ?? null,
    end_time: cdr.endTime.toISOString(),
    duration_seconds: cdr.durationSeconds,
    features: cdr.features,
    rating_status: rating.rated ? 'rated' : 'unrated',
    unrated_reason: rating.rated ? null : rating.reason,
    amount: rating.rated ? rating.charge.amount : null,
    currency: rating.rated ? rating.charge.currency : null,
    rule_set_hash: rating.rated ? rating.charge.ruleSetHash : null,
    fired_rules: rating.rated ? rating.charge.firedRules : null,
    explanation: rating.rated ? rating.charge.explanation : null,
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
