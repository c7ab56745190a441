/**
 * Re-rating on PostgreSQL (and the embedded PGlite): one READ COMMITTED transaction that locks what
 * it changes before it reads it, so closing, issuing, ingest and another rerate see all of a rerate
 * or none of it:
 * - a transaction-scoped advisory lock per customer serializes rerates of one customer;
 * - the customer's current charges of the range are locked FOR UPDATE: a close that claims them
 *   (REPEATABLE READ) either commits first, and the rerate then sees their invoice, or fails with a
 *   serialization error and is retried after the rerate, seeing the new charges;
 * - invoices are locked FOR UPDATE (id order) before a draft is rebuilt or a correction issued.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { ChargeGroup, IssueOptions, StoredInvoice } from '../app/invoicing/ports';
import type { ChargeReplacement, NewCorrection, RerateCall, RerateStore, RerateTx } from '../app/invoicing/rerate-ports';
import type { InvoiceDraft } from '../domain/invoicing/types';
import { CHARGE_GROUP_BY, chargeGroupColumns, toChargeGroup, type ChargeGroupRow } from './charge-groups-sql';
import { fromRow, type StoredRow } from './cdr-store';
import type { Database } from './database';
import { REBUILD_DAILY_TOTALS_SPAN } from './daily-totals-sql';
import { allocateInvoiceIds, insertDocuments, issueIn, loadInvoices, replaceDraftContent } from './invoice-documents';
import { once, rowsOf } from './sql-helpers';

const RETRYABLE = new Set(['40P01', '40001']);

const CALLS = `
select d.*, d.id::text as cdr_id, c.id::text as charge_id, c.amount::text as charge_amount, trim(c.currency) as charge_currency,
       c.rule_set_hash as charge_rule_set_hash, c.invoice_id::text as charge_invoice_id
from cdrs d left join charges c on c.cdr_id = d.id and c.superseded_at is null
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

const SUPERSEDE = `
update charges c set superseded_at = now()
from jsonb_array_elements_text(?::jsonb) as x(id)
where c.id = x.id::bigint and c.superseded_at is null`;

/** Unrated CDRs that now have a charge become rated (their reason and attempts as a retry records them). */
const MARK_RATED = `
update cdrs set rating_status = 'rated', unrated_reason = null, rating_attempts = rating_attempts + 1, last_rating_attempt_at = now()
from jsonb_array_elements_text(?::jsonb) as x(id)
where cdrs.id = x.id::bigint and cdrs.rating_status = 'unrated'`;

const INSERT_CHARGES = `
insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation, invoice_id)
select cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation, invoice_id
from jsonb_to_recordset(?::jsonb) as x(cdr_id bigint, customer_account text, call_start timestamptz, amount numeric,
  currency text, rule_set_hash text, fired_rules text[], explanation jsonb, invoice_id bigint)`;

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
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.knex.transaction((trx) => fn(rerateTx(trx)));
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt < 5 && code && RETRYABLE.has(code)) continue;
        throw error;
      }
    }
  }
}

function rerateTx(trx: Knex.Transaction): RerateTx {
  return {
    async lock(account, from, to) {
      await trx.raw(`select pg_advisory_xact_lock(hashtextextended('billing.rerate:' || ?, 0))`, [account]);
      await trx.raw(
        `select count(*) from (select 1 from charges where customer_account = ? and call_start >= ? and call_start < ? and superseded_at is null
                               order by id for update) locked`,
        [account, from.toISOString(), to.toISOString()],
      );
      await trx.raw(
        `select count(*) from (select 1 from cdrs where customer_account = ? and start_time >= ? and start_time < ? and rating_status = 'unrated'
                               order by id for update) locked`,
        [account, from.toISOString(), to.toISOString()],
      );
    },

    async calls(account, from, to, afterCdrId, limit): Promise<RerateCall[]> {
      const rows = rowsOf<CallRow>(await trx.raw(CALLS, [account, from.toISOString(), to.toISOString(), afterCdrId, limit]));
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

    async replace(rows: ChargeReplacement[]) {
      // Two statements, in this order: the one-current-charge-per-CDR index must see the old charge
      // superseded before the new one arrives.
      const old = rows.flatMap((r) => (r.oldChargeId ? [r.oldChargeId] : []));
      if (old.length) {
        const result = (await trx.raw(SUPERSEDE, [JSON.stringify(old)])) as { rowCount?: number; affectedRows?: number };
        const n = result.rowCount ?? result.affectedRows;
        if (n !== undefined && n !== old.length) throw new Error(`rerate: ${old.length - n} locked charges were superseded by someone else`);
      }
      const firsts = rows.filter((r) => !r.oldChargeId).map((r) => r.cdrId);
      if (firsts.length) await trx.raw(MARK_RATED, [JSON.stringify(firsts)]);
      await trx.raw(INSERT_CHARGES, [
        JSON.stringify(
          rows.map((r) => ({
            cdr_id: r.cdrId,
            customer_account: r.cdr.customerAccount,
            call_start: r.cdr.startTime.toISOString(),
            amount: r.charge.amount,
            currency: r.charge.currency,
            rule_set_hash: r.charge.ruleSetHash,
            fired_rules: r.charge.firedRules,
            explanation: r.charge.explanation,
            invoice_id: r.invoiceId ?? null,
          })),
        ),
      ]);
    },

    async rebuildDailyTotals(account, span) {
      await trx.raw(REBUILD_DAILY_TOTALS_SPAN[0], [account, span.fromDate, span.toDate]);
      await trx.raw(REBUILD_DAILY_TOTALS_SPAN[1], [account, span.from.toISOString(), span.to.toISOString()]);
    },

    async lockInvoices(ids): Promise<StoredInvoice[]> {
      if (!ids.length) return [];
      const locked = rowsOf<{ id: string }>(
        await trx.raw(`select id::text from invoices where id in (select (jsonb_array_elements_text(?::jsonb))::bigint) order by id for update`, [
          JSON.stringify(ids),
        ]),
      );
      return loadInvoices(trx, locked.map((r) => r.id));
    },

    async invoiceCharges(invoice): Promise<ChargeGroup[]> {
      const rows = rowsOf<ChargeGroupRow>(
        await trx.raw(
          `select ${chargeGroupColumns('?::timestamptz')}
           from charges c join cdrs d on d.id = c.cdr_id
           where c.customer_account = ? and c.call_start < ?::timestamptz and c.invoice_id = ?::bigint and c.superseded_at is null
           group by ${CHARGE_GROUP_BY}`,
          [invoice.periodStart.toISOString(), invoice.customerAccount, invoice.periodEnd.toISOString(), invoice.id],
        ),
      );
      return rows.map(toChargeGroup);
    },

    async corrections(invoiceId): Promise<StoredInvoice[]> {
      const rows = rowsOf<{ id: string }>(
        await trx.raw(`select id::text from invoices where credited_invoice_id = ?::bigint or supplements_invoice_id = ?::bigint order by id`, [
          invoiceId,
          invoiceId,
        ]),
      );
      return loadInvoices(trx, rows.map((r) => r.id));
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

    once: <T>(key: Parameters<RerateTx['once']>[0], run: () => Promise<T>) =>
      once<T>(trx, key, run, { encode: (v) => v, decode: (v) => v as T }),
  };
}
