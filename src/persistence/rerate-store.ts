/**
 * Re-rating on PostgreSQL (and the embedded PGlite): one READ COMMITTED transaction that locks what
 * it changes before it reads it, so closing, issuing, ingest and another rerate see all of a rerate
 * or none of it:
 * - a transaction-scoped advisory lock per customer serializes rerates of one customer;
 * - the customer's current charges of the range are locked FOR UPDATE (against another writer);
 * - then each of them that no invoice claimed gets a tombstone claim (charge_claims, no invoice), all
 *   in ONE statement in charge-id order, the order a close claims in: the close and the rerate wait
 *   for each other's claim keys in one global order, so they never deadlock (pages go in CDR order,
 *   which is not charge-id order once charges were re-rated or rated late; tombstoning page by page
 *   deadlocked with a close). A close that claims one of these charges either commits first, and the
 *   rerate then sees its invoice, or waits for the rerate: on a charge the rerate superseded it then
 *   fails with a serialization error and is retried, seeing the new charges; on a charge it left
 *   alone it claims it (the rerate drops the tombstones of charges it did not supersede before it
 *   commits);
 * - the old charges are superseded with RETURNING their invoice as it is at that moment, so a close
 *   that claimed one after it was read is seen and corrected;
 * - invoices are locked FOR UPDATE (id order) before a draft is rebuilt or a correction issued;
 * - running totals get the difference (minus the old charges, plus the new ones) through the same
 *   additive upsert as ingest, which commutes with an ingest adding to the same rows.
 * What this transaction replaced is kept in a temporary table (dropped at commit), from which the
 * totals' difference and each invoice's charges "before" the rerate are read.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { ChargeGroup, IssueOptions, StoredInvoice } from '../app/invoicing/ports';
import type {
  ChargeReplacement,
  NewCorrection,
  RerateCall,
  ReplacedCharge,
  RerateStore,
  RerateTx,
} from '../app/invoicing/rerate-ports';
import type { InvoiceDraft } from '../domain/invoicing/types';
import { chargeGroupsFrom, chargeRowColumns, toChargeGroup, type ChargeGroupRow } from './charge-groups-sql';
import { fromRow, type StoredRow } from './cdr-store';
import type { Database } from './database';
import { dailyTotalsDeltaCte } from './daily-totals-sql';
import { allocateInvoiceIds, insertDocuments, issueIn, replaceDraftContent } from './invoice-documents';
import { loadInvoices } from './invoice-reads';
import { once, retryOnConflict, rowsOf } from './sql-helpers';
import { enterChargeWriters } from './charge-fence';
import { CHARGE_WITH_WORDS_COLUMNS, CHARGE_WITH_WORDS_RECORD, chargeWithWordsRow } from './charge-with-words';

const CALLS = `
select d.*, d.id::text as cdr_id, c.id::text as charge_id, c.amount::text as charge_amount, trim(c.currency) as charge_currency,
       c.rule_set_hash as charge_rule_set_hash, k.invoice_id::text as charge_invoice_id
from cdrs d left join charges c on c.cdr_id = d.id and c.call_start = d.start_time and c.superseded_at is null
left join charge_claims k on k.charge_id = c.id
where d.customer_account = ? and d.start_time >= ?::timestamptz and d.start_time < ?::timestamptz and d.id > ?::bigint
order by d.id
limit ?`;

type CallRow = StoredRow & {
  cdr_id: string;
  charge_id: string | null;
  charge_amount: string | null;
  charge_currency: string | null;
  charge_rule_set_hash: string | null;
  charge_invoice_id: string | null;
};

const REPLACED_TABLE = `create temporary table if not exists rerate_replaced (old_id bigint, new_id bigint not null) on commit drop`;

/** The tombstones this transaction placed (TOMBSTONE_RANGE), to drop those of charges it kept. */
const TOMBSTONED_TABLE = `create temporary table if not exists rerate_tombstoned (charge_id bigint not null) on commit drop`;

/**
 * A tombstone claim (no invoice) for every current charge of the range that no invoice claimed, in
 * one statement and in charge-id order (as a close claims): a close that still sees such a charge
 * waits for this transaction instead of invoicing a charge it may replace. A close's uncommitted
 * claim makes this wait, and then stand (ON CONFLICT), so the rerate reads and corrects that invoice.
 */
const TOMBSTONE_RANGE = `
with placed as (
  insert into charge_claims (charge_id, invoice_id)
  select id, null from charges
  where customer_account = ? and call_start >= ?::timestamptz and call_start < ?::timestamptz and superseded_at is null
  order by id
  on conflict (charge_id) do nothing
  returning charge_id
)
insert into rerate_tombstoned (charge_id) select charge_id from placed`;

/** Tombstones of charges this rerate did not supersede go again: they stay to be invoiced. */
const DROP_UNUSED_TOMBSTONES = `
delete from charge_claims k using rerate_tombstoned t, charges c
where k.charge_id = t.charge_id and k.invoice_id is null and c.id = t.charge_id and c.superseded_at is null`;

/**
 * A tombstone claim for each charge about to be superseded: TOMBSTONE_RANGE placed them all already
 * (each is a current charge of the locked range), so this inserts nothing and waits for no one; it
 * stays so that no charge is ever superseded without its claim. SUPERSEDE, a later statement, reads
 * the invoice of each claim.
 */
const TOMBSTONES = `
insert into charge_claims (charge_id, invoice_id)
select x.id::bigint, null from jsonb_array_elements_text(?::jsonb) as x(id) order by 1
on conflict (charge_id) do nothing`;

const SUPERSEDE = `
update charges c set superseded_at = now()
from jsonb_array_elements_text(?::jsonb) as x(id)
where c.id = x.id::bigint and c.superseded_at is null
returning c.id::text as id, c.cdr_id::text as cdr_id,
          (select k.invoice_id::text from charge_claims k where k.charge_id = c.id) as invoice_id`;

/** Unrated CDRs that now have a charge become rated (their reason and attempts as a retry records them). */
const MARK_RATED = `
update cdrs set rating_status = 'rated', unrated_reason = null, rating_attempts = rating_attempts + 1, last_rating_attempt_at = now()
from jsonb_array_elements_text(?::jsonb) as x(id)
where cdrs.id = x.id::bigint and cdrs.rating_status = 'unrated'
returning cdrs.id::text as id`;

const INSERT_CHARGES = `
with inserted as (
  insert into charges (cdr_id, ${CHARGE_WITH_WORDS_COLUMNS}, access_type)
  select cdr_id, ${CHARGE_WITH_WORDS_COLUMNS},
         (select d.access_type from cdrs d where d.id = x.cdr_id and d.start_time = x.call_start)
  from jsonb_to_recordset(?::jsonb) as x(cdr_id bigint, ${CHARGE_WITH_WORDS_RECORD})
  returning id, cdr_id
),
replaced as (
  insert into rerate_replaced (old_id, new_id)
  select x.old_id, inserted.id from inserted join jsonb_to_recordset(?::jsonb) as x(cdr_id bigint, old_id bigint) using (cdr_id)
)
-- The new charge stays on the invoice that claimed the charge it replaces (corrected from there).
insert into charge_claims (charge_id, invoice_id)
select inserted.id, x.invoice_id
from inserted join jsonb_to_recordset(?::jsonb) as x(cdr_id bigint, invoice_id bigint) using (cdr_id)
where x.invoice_id is not null`;

/** Minus every charge this transaction superseded, plus every charge it stored. */
const TOTALS_DELTA = `
with delta as (
  select c.customer_account, c.call_start, d.access_type, c.amount, c.currency, c.zone, c.billed_seconds,
         case when c.id = r.new_id then 1 else -1 end as sign
  from rerate_replaced r join charges c on c.id = r.new_id or c.id = r.old_id
  join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
),
${dailyTotalsDeltaCte('delta')}
select 1`;

/** `c` is one of the invoice's charges before this transaction: current and not new, or superseded by it. */
const BEFORE_THIS_RERATE = `((c.superseded_at is null and not exists (select 1 from rerate_replaced r where r.new_id = c.id))
  or exists (select 1 from rerate_replaced r where r.old_id = c.id))`;

export class PostgresRerateStore implements RerateStore {
  constructor(private readonly database: Database) {}

  private get knex(): Knex {
    return this.database.orm.em.getKnex();
  }

  async bookingIds(account: string, from: Date, to: Date): Promise<string[]> {
    const rows = rowsOf<{ booking_id: string }>(
      await this.knex.raw(
        `select distinct booking_id from cdrs where customer_account = ? and start_time >= ? and start_time < ? and booking_id is not null`,
        [account, from.toISOString(), to.toISOString()],
      ),
    );
    return rows.map((r) => r.booking_id);
  }

  async transaction<T>(fn: (tx: RerateTx) => Promise<T>): Promise<T> {
    return retryOnConflict(5, () =>
      this.knex.transaction(async (trx) => {
        await enterChargeWriters(trx);
        const tx = rerateTx(trx);
        const result = await fn(tx);
        await tx.dropUnusedTombstones();
        return result;
      }),
    );
  }
}

function rerateTx(trx: Knex.Transaction): RerateTx & { dropUnusedTombstones(): Promise<void> } {
  let tombstoned = false;
  return {
    async lock(account, from, to) {
      await trx.raw(`select pg_advisory_xact_lock(hashtextextended('billing.rerate:' || ?, 0))`, [account]);
      await trx.raw(REPLACED_TABLE);
      await trx.raw(TOMBSTONED_TABLE);
      await trx.raw(
        `select count(*) from (select 1 from charges where customer_account = ? and call_start >= ? and call_start < ? and superseded_at is null
                               order by id for update) locked`,
        [account, from.toISOString(), to.toISOString()],
      );
      await trx.raw(TOMBSTONE_RANGE, [account, from.toISOString(), to.toISOString()]);
      tombstoned = true;
      await trx.raw(
        `select count(*) from (select 1 from cdrs where customer_account = ? and start_time >= ? and start_time < ? and rating_status = 'unrated'
                               order by id for update) locked`,
        [account, from.toISOString(), to.toISOString()],
      );
    },

    async calls(account, from, to, afterCdrId, limit): Promise<RerateCall[]> {
      const rows = rowsOf<CallRow>(
        await trx.raw(CALLS, [account, from.toISOString(), to.toISOString(), afterCdrId, limit]),
      );
      return rows.map((r) => ({
        cdrId: r.cdr_id,
        cdr: fromRow(r),
        ...(r.charge_id
          ? {
              charge: {
                id: r.charge_id,
                amount: r.charge_amount!,
                currency: r.charge_currency!,
                ruleSetHash: r.charge_rule_set_hash!,
                ...(r.charge_invoice_id ? { invoiceId: r.charge_invoice_id } : {}),
              },
            }
          : {}),
      }));
    },

    async replace(rows: ChargeReplacement[]): Promise<ReplacedCharge[]> {
      // Supersede first: the one-current-charge-per-CDR index must see the old charge gone before the
      // new one arrives. RETURNING gives each old charge's invoice as of now, not as it was read.
      const old = rows.flatMap((r) => (r.oldChargeId ? [r.oldChargeId] : []));
      if (old.length) await trx.raw(TOMBSTONES, [JSON.stringify(old)]);
      const superseded = new Map(
        old.length
          ? rowsOf<{ id: string; cdr_id: string; invoice_id: string | null }>(
              await trx.raw(SUPERSEDE, [JSON.stringify(old)]),
            ).map((r) => [r.cdr_id, r])
          : [],
      );
      if (superseded.size !== old.length)
        throw new Error(
          `rerate: ${old.length - superseded.size} locked charges were superseded by someone else`,
        );
      const firsts = rows.filter((r) => !r.oldChargeId).map((r) => r.cdrId);
      const flipped = new Set(
        firsts.length
          ? rowsOf<{ id: string }>(await trx.raw(MARK_RATED, [JSON.stringify(firsts)])).map((r) => r.id)
          : [],
      );
      const stored = rows.filter((r) => r.oldChargeId || flipped.has(r.cdrId));
      const payload = stored.map((r) => ({
        cdr_id: r.cdrId,
        ...chargeWithWordsRow(r.cdr, r.charge, r.pricedWith),
        invoice_id: superseded.get(r.cdrId)?.invoice_id ?? null,
        old_id: superseded.get(r.cdrId)?.id ?? null,
      }));
      if (payload.length) {
        const json = JSON.stringify(payload);
        await trx.raw(INSERT_CHARGES, [json, json, json]);
      }
      return stored.map((r) => {
        const invoiceId = superseded.get(r.cdrId)?.invoice_id;
        return invoiceId ? { cdrId: r.cdrId, invoiceId } : { cdrId: r.cdrId };
      });
    },

    async applyDailyTotalsDelta() {
      await trx.raw(TOTALS_DELTA);
    },

    async lockInvoices(ids): Promise<StoredInvoice[]> {
      if (!ids.length) return [];
      const locked = rowsOf<{ id: string }>(
        await trx.raw(
          `select id::text from invoices where id in (select (jsonb_array_elements_text(?::jsonb))::bigint) order by id for update`,
          [JSON.stringify(ids)],
        ),
      );
      return loadInvoices(
        trx,
        locked.map((r) => r.id),
      );
    },

    async invoiceCharges(invoice, when): Promise<ChargeGroup[]> {
      const rows = rowsOf<ChargeGroupRow>(
        await trx.raw(
          `with rows as (
             select c.customer_account as account, ${chargeRowColumns('?::timestamptz')}
             from charges c join charge_claims k on k.charge_id = c.id join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
             where c.customer_account = ? and c.call_start < ?::timestamptz and k.invoice_id = ?::bigint
               and ${when === 'after' ? 'c.superseded_at is null' : BEFORE_THIS_RERATE}
           ),
           ${chargeGroupsFrom('rows')}`,
          [
            invoice.periodStart.toISOString(),
            invoice.customerAccount,
            invoice.periodEnd.toISOString(),
            invoice.id,
          ],
        ),
      );
      return rows.map(toChargeGroup);
    },

    async billedNet(invoiceId): Promise<string> {
      // The invoice and its issued supplementary invoices, less the credit notes of any of them. A
      // draft credit note counts as issued: it is a reduction pending (IssueInvoice numbers it
      // later), and the invoice's lock (held) keeps a new one from appearing meanwhile.
      const [row] = rowsOf<{ net: string }>(
        await trx.raw(
          `with family as (
             select id from invoices
             where status = 'ISSUED' and (id = ?::bigint or supplements_invoice_id = ?::bigint)
           )
           select coalesce(sum(net_total), 0)::text as net from invoices
           where id in (select id from family) or credited_invoice_id in (select id from family)`,
          [invoiceId, invoiceId],
        ),
      );
      return row!.net;
    },

    async replaceDraft(invoiceId: string, draft: InvoiceDraft) {
      await replaceDraftContent(trx, invoiceId, draft);
    },

    async insertCorrection(c: NewCorrection) {
      const [id] = await allocateInvoiceIds(trx, 1);
      await insertDocuments(trx, [
        {
          id: id!,
          kind: c.kind,
          customerAccount: c.invoice.customerAccount,
          periodKey: c.invoice.periodKey,
          periodStart: c.invoice.periodStart,
          periodEnd: c.invoice.periodEnd,
          series: c.series,
          draft: c.draft,
          ...(c.kind === 'CREDIT_NOTE'
            ? { creditedInvoiceId: c.invoice.id, creditReason: c.reason, creditedLineNos: c.creditedLineNos }
            : { supplementsInvoiceId: c.invoice.id }),
        },
      ]);
      return id!;
    },

    async issue(ids: string[], options: IssueOptions) {
      await issueIn(trx, ids, options);
    },

    async dropUnusedTombstones() {
      if (tombstoned) await trx.raw(DROP_UNUSED_TOMBSTONES);
    },

    once: <T>(key: Parameters<RerateTx['once']>[0], run: () => Promise<T>) =>
      once<T>(trx, key, run, { encode: (v) => v, decode: (v) => v as T }),
  };
}
