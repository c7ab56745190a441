/**
 * The documents outbox (table `document_outbox`, filled by a trigger when an invoice is issued:
 * migrations/Migration20261203010000DocumentOutbox.ts). Claims are short transactions: the rows are
 * locked with `for update skip locked` (a replica never waits for, nor takes, a row another holds)
 * and pushed one lease ahead, then the lock is released; the lease keeps other workers off while
 * the document is sent, without a transaction open across the send (the embedded database has one
 * connection, which a send must not hold).
 */
import type { OutboxAdmin, OutboxClaim, OutboxRow, OutboxStatus, OutboxStore } from '../app/delivery/ports';
import type { Database } from './database';
import { optionalDate, rowsOf, toDate } from './sql-helpers';

interface Row {
  invoice_id: string;
  number: string;
  kind: string;
  customer_account: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date | string | null;
  last_error: string | null;
  delivered_at: Date | string | null;
  delivered_to: string | null;
  format: string | null;
  created_at: Date | string;
}

export class PostgresOutboxStore implements OutboxStore, OutboxAdmin {
  constructor(private readonly database: Database) {}

  private get knex() {
    return this.database.orm.em.getKnex();
  }

  async claim(n: number, now: Date, leaseUntil: Date): Promise<OutboxClaim[]> {
    const rows = rowsOf<{ invoice_id: string; number: string; attempts: number }>(
      await this.knex.raw(
        `with due as (
           select invoice_id from document_outbox
           where status = 'pending' and (next_attempt_at is null or next_attempt_at <= ?::timestamptz)
           order by next_attempt_at nulls first, invoice_id
           limit ?
           for update skip locked
         )
         update document_outbox o set attempts = o.attempts + 1, next_attempt_at = ?::timestamptz
         from due, invoices i
         where o.invoice_id = due.invoice_id and i.id = o.invoice_id
         returning o.invoice_id::text, i.number, o.attempts`,
        [now.toISOString(), n, leaseUntil.toISOString()],
      ),
    );
    return rows
      .map((r) => ({ invoiceId: r.invoice_id, invoiceNumber: r.number, attempts: Number(r.attempts) }))
      .sort((a, b) => Number(a.invoiceId) - Number(b.invoiceId));
  }

  async markDelivered(
    claim: OutboxClaim,
    result: { deliveredTo: string; format: string; at: Date },
  ): Promise<void> {
    // Whoever delivered it, it is delivered: no attempts check here (unlike markFailed), and also when
    // another worker gave up on it meanwhile (this send outlived its lease): the receiver has it, and
    // a 'failed' row would invite `billing outbox retry` to deliver it a second time.
    await this.knex.raw(
      `update document_outbox set status = 'delivered', delivered_at = ?::timestamptz, delivered_to = ?,
              format = ?, last_error = null, next_attempt_at = null
       where invoice_id = ?::bigint and status <> 'delivered'`,
      [result.at.toISOString(), result.deliveredTo, result.format, claim.invoiceId],
    );
  }

  async markFailed(claim: OutboxClaim, failure: { error: string; retryAt: Date | undefined }): Promise<void> {
    await this.knex.raw(
      `update document_outbox set status = ?, last_error = ?, next_attempt_at = ?::timestamptz
       where invoice_id = ?::bigint and status = 'pending' and attempts = ?`,
      [
        failure.retryAt ? 'pending' : 'failed',
        failure.error.slice(0, 4000),
        failure.retryAt?.toISOString() ?? null,
        claim.invoiceId,
        claim.attempts,
      ],
    );
  }

  async list(filter: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]> {
    const rows = rowsOf<Row>(
      await this.knex.raw(
        `select o.invoice_id::text, i.number, i.kind, i.customer_account, o.status, o.attempts, o.next_attempt_at,
                o.last_error, o.delivered_at, o.delivered_to, o.format, o.created_at
         from document_outbox o join invoices i on i.id = o.invoice_id
         where (?::text is null or o.status = ?::text)
         order by o.invoice_id desc
         limit ?`,
        [filter.status ?? null, filter.status ?? null, filter.limit],
      ),
    );
    return rows.map((r) => ({
      invoiceId: r.invoice_id,
      invoiceNumber: r.number,
      kind: r.kind,
      customerAccount: r.customer_account,
      status: r.status,
      attempts: Number(r.attempts),
      nextAttemptAt: optionalDate(r.next_attempt_at),
      lastError: r.last_error ?? undefined,
      deliveredAt: optionalDate(r.delivered_at),
      deliveredTo: r.delivered_to ?? undefined,
      format: r.format ?? undefined,
      createdAt: toDate(r.created_at),
    }));
  }

  async retry(invoiceNumber: string): Promise<boolean> {
    // The last error stays visible until the next attempt's outcome replaces or clears it.
    const rows = rowsOf(
      await this.knex.raw(
        `update document_outbox o set status = 'pending', attempts = 0, next_attempt_at = null
         from invoices i
         where i.id = o.invoice_id and i.number = ? and o.status = 'failed'
         returning o.invoice_id`,
        [invoiceNumber],
      ),
    );
    return rows.length > 0;
  }

  async counts(): Promise<{ pending: number; failed: number }> {
    // Not the delivered ones: they only grow, and a scrape must stay cheap.
    const [row] = rowsOf<{ pending: number; failed: number }>(
      await this.knex.raw(
        `select count(*) filter (where status = 'pending')::int as pending,
                count(*) filter (where status = 'failed')::int as failed
         from document_outbox where status in ('pending', 'failed')`,
      ),
    );
    return { pending: Number(row?.pending ?? 0), failed: Number(row?.failed ?? 0) };
  }
}
