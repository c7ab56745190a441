/** The unrated CDRs, read and re-priced in place (table `cdrs`, rating_status = 'unrated'). */
import { cdrKeyId, type CdrKey } from '../domain/cdr';
import type { RatingSummary } from '../app/ingest/ingest-cdrs';
import type { RetryDecision, UnratedCdrRow, UnratedFilter, UnratedQueue } from '../app/ingest/retry-unrated';
import type { RatingDecision } from '../app/ingest/ports';
import { decodePageToken, encodePageToken, isNumericId, isTimestamp, pageScope } from '../app/paging';
import { fromRow, type StoredRow } from './cdr-store';
import type { Database } from './database';
import { dailyTotalsUpsertCte } from './daily-totals-sql';
import { rowsOf } from './sql-helpers';
import { enterChargeWriters } from './charge-fence';
import { CHARGE_WITH_WORDS_COLUMNS, CHARGE_WITH_WORDS_RECORD, chargeWithWordsRow } from './charge-with-words';

type RatedDecision = Extract<RatingDecision, { rated: true }>;

type Row = StoredRow & {
  id: string;
  unrated_reason: string;
  received_at: string | Date;
  last_rating_attempt_at: string | Date | null;
  rating_attempts: number;
};

type Binding = string | number;

function where(filter: UnratedFilter): { sql: string; bindings: Binding[] } {
  const parts = [`rating_status = 'unrated'`];
  const bindings: Binding[] = [];
  const add = (sql: string, binding: Binding) => {
    parts.push(sql);
    bindings.push(binding);
  };
  if (filter.customerAccount) add('customer_account = ?', filter.customerAccount);
  if (filter.bridgeId) add('bridge_id = ?', filter.bridgeId);
  if (filter.startFrom) add('start_time >= ?', filter.startFrom.toISOString());
  if (filter.startTo) add('start_time < ?', filter.startTo.toISOString());
  if (filter.keys?.length) {
    parts.push(
      `(bridge_id, record_id) in (select bridge_id, record_id from jsonb_to_recordset(?::jsonb) as k(bridge_id text, record_id text))`,
    );
    bindings.push(JSON.stringify(filter.keys.map((k) => ({ bridge_id: k.bridgeId, record_id: k.recordId }))));
  }
  return { sql: parts.join(' and '), bindings };
}

function toUnrated(row: Row): UnratedCdrRow {
  return {
    id: String(row.id),
    cdr: fromRow(row),
    reason: row.unrated_reason,
    receivedAt: new Date(row.received_at),
    lastAttemptAt: row.last_rating_attempt_at ? new Date(row.last_rating_attempt_at) : undefined,
    attempts: row.rating_attempts,
  };
}

export class PostgresUnratedQueue implements UnratedQueue {
  constructor(private readonly database: Database) {}

  private get knex() {
    return this.database.orm.em.getKnex();
  }

  async list(filter: UnratedFilter, size: number, pageToken?: string) {
    const w = where(filter);
    // A token continues the list of this filter only.
    const scope = pageScope('unrated', JSON.stringify(filter));
    const after = decodePageToken(pageToken, [isTimestamp, isNumericId], scope) as
      [string, string] | undefined;
    const page = after ? ` and (start_time, id) > (?::timestamptz, ?::bigint)` : '';
    const rows = rowsOf<Row>(
      await this.knex.raw(`select * from cdrs where ${w.sql}${page} order by start_time, id limit ?`, [
        ...w.bindings,
        ...(after ?? []),
        size + 1,
      ]),
    );
    const total = rowsOf<{ n: number }>(
      await this.knex.raw(`select count(*)::int as n from cdrs where ${w.sql}`, w.bindings),
    )[0]!.n;
    const shown = rows.slice(0, size).map(toUnrated);
    const last = shown[shown.length - 1];
    return {
      rows: shown,
      total,
      nextPageToken:
        rows.length > size && last ? encodePageToken([last.cdr.startTime.toISOString(), last.id], scope) : '',
    };
  }

  async take(filter: UnratedFilter, limit: number) {
    const w = where(filter);
    const rows = rowsOf<Row>(
      await this.knex.raw(`select * from cdrs where ${w.sql} order by id limit ?`, [...w.bindings, limit]),
    );
    return rows.map(toUnrated);
  }

  async record(decisions: RetryDecision[]): Promise<Set<string>> {
    const rated = decisions.filter((d) => d.decision.rated);
    const unrated = decisions.filter((d) => !d.decision.rated);
    return this.knex.transaction(async (trx) => {
      await enterChargeWriters(trx);
      const done = new Set<string>();
      if (rated.length) {
        const payload = JSON.stringify(
          rated.map(({ id, cdr, decision, pricedWith }) => ({
            id,
            ...chargeWithWordsRow(cdr, (decision as RatedDecision).charge, pricedWith),
          })),
        );
        // Only rows still unrated are flipped, so two racing retries charge a CDR once.
        const flipped = rowsOf<{ id: string }>(
          await trx.raw(
            `with input as (
             select * from jsonb_to_recordset(?::jsonb) as x(id bigint, ${CHARGE_WITH_WORDS_RECORD})
           ), flipped as (
             update cdrs set rating_status = 'rated', unrated_reason = null, rating_attempts = rating_attempts + 1, last_rating_attempt_at = now()
             from input where cdrs.id = input.id and cdrs.rating_status = 'unrated'
             returning cdrs.id, cdrs.access_type
           ), charged as (
             insert into charges (cdr_id, ${CHARGE_WITH_WORDS_COLUMNS}, access_type)
             select input.id, ${CHARGE_WITH_WORDS_COLUMNS}, flipped.access_type
             from input join flipped using (id)
           ), fresh as (
             select input.customer_account, input.call_start, c.access_type, input.amount, input.currency, input.zone, input.billed_seconds
             from input join flipped using (id) join cdrs c on c.id = input.id
           ),
           ${dailyTotalsUpsertCte('fresh')}
           select id from flipped`,
            [payload],
          ),
        );
        for (const r of flipped) done.add(String(r.id));
      }
      if (unrated.length) {
        await trx.raw(
          `update cdrs set unrated_reason = x.reason, rating_attempts = rating_attempts + 1, last_rating_attempt_at = now()
           from jsonb_to_recordset(?::jsonb) as x(id bigint, reason text)
           where cdrs.id = x.id and cdrs.rating_status = 'unrated'`,
          [
            JSON.stringify(
              unrated.map((d) => ({ id: d.id, reason: (d.decision as { reason: string }).reason })),
            ),
          ],
        );
      }
      return done;
    });
  }

  async ratingOf(keys: CdrKey[]): Promise<Map<string, RatingSummary | 'archived'>> {
    // The key outlives its CDR's month (retention): no CDR row then.
    const rows = rowsOf<RatingRow>(
      await this.knex.raw(
        `select k.bridge_id, k.record_id, d.rating_status, d.unrated_reason,
                c.amount::text as amount, trim(c.currency) as currency, c.rule_set_hash
         from jsonb_to_recordset(?::jsonb) as w(bridge_id text, record_id text)
         join cdr_keys k using (bridge_id, record_id)
         left join cdrs d on d.bridge_id = k.bridge_id and d.record_id = k.record_id and d.start_time = k.start_time
         left join charges c on c.cdr_id = d.id and c.call_start = d.start_time and c.superseded_at is null`,
        [JSON.stringify(keys.map((k) => ({ bridge_id: k.bridgeId, record_id: k.recordId })))],
      ),
    );
    return new Map(
      rows.map((r) => [cdrKeyId({ bridgeId: r.bridge_id, recordId: r.record_id }), ratingSummaryOf(r)]),
    );
  }
}

interface RatingRow {
  bridge_id: string;
  record_id: string;
  rating_status: string | null;
  unrated_reason: string | null;
  amount: string | null;
  currency: string | null;
  rule_set_hash: string | null;
}

function ratingSummaryOf(r: RatingRow): RatingSummary | 'archived' {
  if (r.rating_status === null) return 'archived';
  if (r.rating_status !== 'rated') return { rated: false, reason: r.unrated_reason ?? '' };
  if (r.amount === null || r.currency === null || r.rule_set_hash === null)
    throw new Error(`rated CDR ${r.bridge_id}/${r.record_id} has no current charge`);
  return { rated: true, charge: { amount: r.amount, currency: r.currency, ruleSetHash: r.rule_set_hash } };
}
