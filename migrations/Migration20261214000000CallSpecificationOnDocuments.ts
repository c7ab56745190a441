import { Migration } from '@mikro-orm/migrations';

/**
 * Whether an invoice's PDF carries a call specification is now kept on the document
 * (`document.callSpecification`, set when the draft is built) instead of read from the customer's
 * current `call_specification` at each rendering, which made an issued invoice's PDF change when
 * sales changed the customer. Every invoice stored before this (issued, draft, supplementary)
 * gets the flag its customer has now: what every rendering of it produced until this migration,
 * so no document renders differently after it. Credit notes never carry one. Absent means none.
 *
 * Issued rows are guarded by `invoices_immutable` (BEFORE UPDATE OR DELETE, refusing any change
 * to an issued invoice). It has no allowance to lean on, and adding one would weaken it for good,
 * so this disables that one trigger around the backfill only. Migrations run in one transaction
 * (src/persistence/database.ts: transactional, allOrNothing) and ALTER TABLE holds an ACCESS
 * EXCLUSIVE lock on invoices until the commit: no other session can write an invoice while the
 * trigger is off, and a failure rolls the trigger's state back with the data. The outbox trigger
 * (AFTER UPDATE) stays on and queues nothing: no row changes its status.
 */
export class Migration20261214000000CallSpecificationOnDocuments extends Migration {
  override up(): void {
    this.addSql(`alter table invoices disable trigger invoices_immutable`);
    this.addSql(`
      update invoices i set document = i.document || '{"callSpecification": true}'::jsonb
      from customers c
      where c.external_id = i.customer_account and c.call_specification and i.kind = 'INVOICE'`);
    this.addSql(`alter table invoices enable trigger invoices_immutable`);
  }

  /**
   * Nothing to undo: the code before this ignores the key, and removing it would lose what was
   * recorded (a later `up` would take the customers' settings of that day instead).
   */
  override down(): void {}
}
