/**
 * Invoices on PostgreSQL (and the embedded PGlite): raw SQL through knex, rows travelling as one
 * JSON parameter (jsonb_to_recordset), money as `numeric` read back as text.
 *
 * Correctness with several replicas lives in the database: numbers come from the invoice_counters
 * row of (series, year), locked FOR UPDATE in the issuing transaction: no gaps (a rollback returns
 * the number), no duplicates (UNIQUE (series, number)). Closing runs in its own unit of work
 * (./close-unit-of-work.ts).
 */
import type { CallSpecification } from '../domain/invoicing/call-specification';
import { loadCallSpecification } from './call-specification-query';
import type { Knex } from '@mikro-orm/postgresql';
import type {
  BillingBegan,
  BillingCustomer,
  ClosingState,
  CreditedSoFar,
  InvoiceFilter,
  InvoicePage,
  InvoiceStore,
  InvoiceTx,
  NewCreditNote,
  PeriodTerms,
  RunningSpan,
  RunningTotalsRow,
  StoredInvoice,
} from '../app/invoicing/ports';
import type { RequestKey } from '../app/mutations';
import type { AccessType } from '../domain/cdr';
import type { Database } from './database';
import { loadBillingCustomers } from './billing-customers-query';
import { allocateInvoiceIds, insertDocuments, issueIn } from './invoice-documents';
import { loadInvoices } from './invoice-reads';
import { loadPeriodTerms } from './period-terms-query';
import { once, optionalDate, retryOnConflict, rowsOf, toDate } from './sql-helpers';

// The first open charge from the end of the closed periods on (a late charge before it is claimed
// by the next close all the same): the index on (customer, start) finds it without walking the
// customer's claimed history.
const CLOSING_STATE = `
select cu.external_id, s.closed_until,
       (select min(c.call_start) from charges c
         where c.customer_account = cu.external_id and c.superseded_at is null
           and c.call_start >= coalesce(s.closed_until, '-infinity')
           and not exists (select 1 from charge_claims k where k.charge_id = c.id)) as first_open
from customers cu
cross join lateral (select max(pc.period_end) as closed_until from period_closings pc
                    where pc.customer_account = cu.external_id) s`;

export class PostgresInvoiceStore implements InvoiceStore {
  constructor(private readonly database: Database) {}

  private get knex(): Knex {
    return this.database.orm.em.getKnex();
  }

  invoiceCalls(invoiceId: string, limit: number): Promise<CallSpecification> {
    return loadCallSpecification(this.knex, invoiceId, limit);
  }

  customers(accounts?: string[]): Promise<BillingCustomer[]> {
    return loadBillingCustomers(this.knex, accounts);
  }

  async closingState(): Promise<ClosingState> {
    const rows = rowsOf<{
      external_id: string;
      closed_until: Date | string | null;
      first_open: Date | string | null;
    }>(await this.knex.raw(CLOSING_STATE));
    return new Map(
      rows.map((r) => [
        r.external_id,
        { closedUntil: optionalDate(r.closed_until), firstOpenCharge: optionalDate(r.first_open) },
      ]),
    );
  }

  async billingBegan(now: Date, timeZone: string): Promise<BillingBegan | undefined> {
    // Recorded by the first caller that finds anything charged or closed; concurrent replicas race
    // on the one row's key, and every caller reads the row that won.
    const [row] = rowsOf<{ began_at: Date | string; time_zone: string }>(
      await this.knex.raw(
        `with recorded as (
           insert into billing_epoch (began_at, time_zone)
           select ?, ? where exists (select 1 from charges) or exists (select 1 from period_closings)
           on conflict (only_row) do nothing
           returning began_at, time_zone)
         select began_at, time_zone from recorded
         union all select began_at, time_zone from billing_epoch
         limit 1`,
        [now.toISOString(), timeZone],
      ),
    );
    return row ? { at: toDate(row.began_at), timeZone: row.time_zone } : undefined;
  }

  async getInvoices(ids: string[]): Promise<StoredInvoice[]> {
    return loadInvoices(this.knex, ids);
  }

  async periodDrafts(endedBy: Date): Promise<string[]> {
    const rows = rowsOf<{ id: string }>(
      await this.knex.raw(
        // ORDER BY the table's bigint id, not the text alias ('10' < '9').
        `select i.id::text as id from invoices i
         where i.kind = 'INVOICE' and i.status = 'DRAFT' and i.supplements_invoice_id is null and i.period_end <= ?
         order by i.period_start, i.id`,
        [endedBy.toISOString()],
      ),
    );
    return rows.map((r) => r.id);
  }

  async findInvoiceId(key: { id?: string; number?: string }): Promise<string | undefined> {
    const rows = key.id
      ? rowsOf<{ id: string }>(await this.knex.raw(`select id::text from invoices where id = ?`, [key.id]))
      : rowsOf<{ id: string }>(
          await this.knex.raw(`select id::text from invoices where number = ?`, [key.number ?? '']),
        );
    return rows[0]?.id;
  }

  async listInvoices(filter: InvoiceFilter, limit: number, after?: [string, string]): Promise<InvoicePage> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.customerAccount) {
      where.push('customer_account = ?');
      params.push(filter.customerAccount);
    }
    if (filter.periodStartFrom) {
      where.push('period_start >= ?');
      params.push(filter.periodStartFrom.toISOString());
    }
    if (filter.periodStartTo) {
      where.push('period_start < ?');
      params.push(filter.periodStartTo.toISOString());
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.kind) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (after) {
      // Order: period_start descending, then id ascending (issue order within a period).
      where.push('(period_start < ?::timestamptz or (period_start = ?::timestamptz and id > ?::bigint))');
      params.push(after[0], after[0], after[1]);
    }
    // ORDER BY the table's bigint id (not the text alias: '10' < '9').
    const sql = `select i.id::text as id, i.period_start from invoices i ${where.length ? `where ${where.join(' and ')}` : ''}
                 order by i.period_start desc, i.id asc limit ${limit + 1}`;
    const rows = rowsOf<{ id: string; period_start: Date | string }>(await this.knex.raw(sql, params));
    const page = rows.slice(0, limit);
    const invoices = await loadInvoices(
      this.knex,
      page.map((r) => r.id),
    );
    const last = page[page.length - 1];
    return {
      invoices,
      next: rows.length > limit && last ? [toDate(last.period_start).toISOString(), last.id] : undefined,
    };
  }

  periodTerms(account: string): Promise<PeriodTerms | undefined> {
    return loadPeriodTerms(this.knex, account);
  }

  async runningTotals(account: string, span: RunningSpan): Promise<RunningTotalsRow[]> {
    // Whole days from the totals ingest keeps; the day of `until` from its current charges, summed
    // per group as the totals are (billed seconds rounded per group and day), so both parts agree.
    const rows = rowsOf<{
      access_type: AccessType;
      zone: string;
      currency: string;
      calls: string;
      billed_seconds: string;
      amount: string;
    }>(
      // The statement lives in migrations/Migration20261210000000RunningTotalsPrunedTail.ts, as a
      // PL/pgSQL function so that each connection plans it once.
      await this.knex.raw(
        `select * from billing_running_totals(?, ?::date, ?::date, ?::timestamptz, ?::timestamptz)`,
        [
          account,
          span.fromLocalDate,
          span.untilLocalDate,
          span.untilDayStart.toISOString(),
          span.until.toISOString(),
        ],
      ),
    );
    return rows.map((r) => ({
      accessType: r.access_type,
      zone: r.zone,
      currency: r.currency,
      calls: Number(r.calls),
      billedSeconds: r.billed_seconds,
      amount: r.amount,
    }));
  }

  async unratedCount(account: string, from: Date, to: Date): Promise<number> {
    const rows = rowsOf<{ n: string }>(
      await this.knex.raw(
        `select count(*)::text as n from cdrs where customer_account = ? and rating_status = 'unrated' and start_time >= ? and start_time < ?`,
        [account, from.toISOString(), to.toISOString()],
      ),
    );
    return Number(rows[0]?.n ?? 0);
  }

  async transaction<T>(fn: (tx: InvoiceTx) => Promise<T>): Promise<T> {
    return this.retrying(() =>
      this.knex.transaction(async (trx) => {
        const tx: InvoiceTx = {
          async lockInvoice(id) {
            const rows = rowsOf<{ id: string }>(
              await trx.raw(`select id::text from invoices where id = ? for update`, [id]),
            );
            if (!rows.length) return undefined;
            return (await loadInvoices(trx, [id]))[0];
          },
          async creditedSoFar(invoiceId): Promise<CreditedSoFar> {
            const rows = rowsOf<{ credited_line_no: number; net: string; quantity: string }>(
              await trx.raw(
                `select l.credited_line_no, sum(l.net_amount)::text as net,
                        -- a price adjustment (quantity 1 piece) credits an amount, not part of the line's quantity
                        sum(case when l.kind = 'adjustment' then 0 else l.quantity end)::text as quantity
                 from invoice_lines l join invoices cn on cn.id = l.invoice_id
                 where cn.credited_invoice_id = ? and l.credited_line_no is not null group by l.credited_line_no`,
                [invoiceId],
              ),
            );
            return new Map(rows.map((r) => [r.credited_line_no, { netAmount: r.net, quantity: r.quantity }]));
          },
          async insertCreditNote(note: NewCreditNote) {
            const [id] = await allocateInvoiceIds(trx, 1);
            await insertDocuments(trx, [
              {
                id: id!,
                kind: 'CREDIT_NOTE',
                customerAccount: note.invoice.customerAccount,
                periodKey: note.invoice.periodKey,
                periodStart: note.invoice.periodStart,
                periodEnd: note.invoice.periodEnd,
                series: note.series,
                draft: note.draft,
                creditedInvoiceId: note.invoice.id,
                creditReason: note.reason,
                creditedLineNos: note.creditedLineNos,
              },
            ]);
            return id!;
          },
          issue: async (ids, options) => {
            await issueIn(trx, ids, options);
          },
          once: (key: RequestKey, run: () => Promise<string>) =>
            once(trx, key, run, { encode: (v) => v, decode: (v) => String(v) }),
        };
        return fn(tx);
      }),
    );
  }

  private retrying<T>(run: () => Promise<T>): Promise<T> {
    return retryOnConflict(8, run);
  }
}
