import { Migration } from '@mikro-orm/migrations';

/**
 * A close finds late charges (stored after an earlier close of their period) without reading the
 * customer's whole history (issue 14: the close must not slow down as history grows).
 *
 * - `billing_charge_fence()`: waits until no transaction that writes charges is in flight (they hold
 *   the same advisory lock shared, src/persistence/charge-fence.ts) and answers the highest charge id
 *   handed out so far. Every charge up to it is committed, so a close that starts after the fence
 *   sees all of them.
 * - `period_closings.charges_seen_through`: that fence, stored by the close. The close claimed every
 *   current charge up to it before its period's end, so the next close looks for late charges only
 *   above it, through `charges_customer_id_idx`. NULL (closings from before this migration) means
 *   "look at everything", as before.
 */
export class Migration20261205000100LateChargeFence extends Migration {
  override up(): void {
    this.addSql(`alter table period_closings add column charges_seen_through bigint`);
    this.addSql(`create index charges_customer_id_idx on charges (customer_account, id)`);
    this.addSql(`
      create or replace function billing_charge_fence() returns bigint language plpgsql as $$
      begin
        perform pg_advisory_xact_lock(hashtext('billing_charge_writers'));
        return (select case when is_called then last_value else last_value - 1 end from charge_ids);
      end $$`);
  }

  override down(): void {
    this.addSql(`drop function billing_charge_fence()`);
    this.addSql(`drop index charges_customer_id_idx`);
    this.addSql(`alter table period_closings drop column charges_seen_through`);
  }
}
