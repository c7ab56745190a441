import { Migration } from '@mikro-orm/migrations';

/**
 * The documents outbox: every invoice, credit note and supplementary invoice is queued for delivery
 * in the same transaction that gives it its number, whichever path issues it (closing, IssueInvoice,
 * credit notes, re-rating), because the queueing is a trigger on the status change itself: a rollback
 * of the issue rolls the queue row back with it, and a committed number always has its row.
 *
 * Only documents issued from this migration on are queued: documents issued before it were handed
 * out by hand and are not sent again (an operator who wants one delivered inserts its row).
 *
 * - `status`: 'pending' (waiting for its first or next attempt), 'delivered', or 'failed' (gave up
 *   after the maximum attempts; `billing outbox retry NUMBER` makes it pending again).
 * - `next_attempt_at`: when a pending document is due; null = at once (never tried). A worker that
 *   claims a document pushes it one lease ahead, so a worker that dies mid-send leaves it to be
 *   retried after the lease rather than never.
 * - `format`: the content type of what was delivered (set on delivery).
 *
 * The trigger is AFTER UPDATE and statement-level with transition tables: closing issues thousands
 * of invoices in one UPDATE, and one INSERT ... SELECT queues them all. It never updates `invoices`,
 * so it cannot meet the immutability trigger (BEFORE UPDATE, which refuses changes to issued rows:
 * the only update it lets through to status 'ISSUED' is the one from 'DRAFT').
 */
export class Migration20261203010000DocumentOutbox extends Migration {
  override up(): void {
    this.addSql(`
      create table document_outbox (
        invoice_id bigint primary key references invoices (id),
        format text,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0 check (attempts >= 0),
        next_attempt_at timestamptz,
        last_error text,
        delivered_at timestamptz,
        delivered_to text,
        created_at timestamptz not null default now(),
        constraint document_outbox_delivered_has_time check ((status = 'delivered') = (delivered_at is not null))
      )`);
    // What the workers claim: the pending documents, soonest due first.
    this.addSql(
      `create index document_outbox_due_idx on document_outbox (next_attempt_at nulls first, invoice_id) where status = 'pending'`,
    );
    this.addSql(`
      create function document_outbox_enqueue_issued() returns trigger language plpgsql as $$
      begin
        insert into document_outbox (invoice_id)
        select n.id from new_rows n join old_rows o on o.id = n.id
        where n.status = 'ISSUED' and o.status is distinct from 'ISSUED'
        order by n.id
        on conflict (invoice_id) do nothing;
        return null;
      end $$`);
    this.addSql(`
      create trigger invoices_enqueue_issued after update on invoices
      referencing old table as old_rows new table as new_rows
      for each statement execute function document_outbox_enqueue_issued()`);
  }

  override down(): void {
    this.addSql('drop trigger invoices_enqueue_issued on invoices');
    this.addSql('drop function document_outbox_enqueue_issued()');
    this.addSql('drop table document_outbox');
  }
}
