import { Migration } from '@mikro-orm/migrations';

/**
 * Which invoice claimed a charge moves from `charges.invoice_id` to a narrow table, so that closing a
 * period inserts one 16-byte row per charge instead of rewriting a million wide charge rows (and every
 * index entry of theirs). Measured on 1M charges: the UPDATE was 60 % of a close.
 *
 * - `charge_claims (charge_id, invoice_id)`: one row per charge that is settled. `invoice_id` is the
 *   invoice the charge is on; NULL marks a charge a rerate superseded before any invoice claimed it
 *   (a tombstone: it makes a concurrent close that still sees the old charge fail to claim it, and
 *   retry). No foreign keys and no index but the key, so the table stays cheap to write and
 *   `charges` can be partitioned by month later without touching it (a partitioned table's key must
 *   contain the partition key, so nothing may reference `charges (id)`).
 * - The partial index of uninvoiced charges goes with the column: it is one index entry less per
 *   ingested charge, and unclaimed charges are found by an anti-join on the claims' key.
 *
 * Existing data: every `charges.invoice_id` becomes a claim, in the migrator's transaction.
 */
export class Migration20261204000000ChargeClaims extends Migration {
  override up(): void {
    this.addSql(`create table charge_claims (charge_id bigint primary key, invoice_id bigint)`);
    this.addSql(
      `insert into charge_claims (charge_id, invoice_id) select id, invoice_id from charges where invoice_id is not null order by id`,
    );
    this.addSql(`drop index if exists charges_uninvoiced_idx`);
    this.addSql(`alter table charges drop column invoice_id`);
  }

  override down(): void {
    this.addSql(`alter table charges add column invoice_id bigint`);
    this.addSql(
      `update charges c set invoice_id = k.invoice_id from charge_claims k where k.charge_id = c.id and k.invoice_id is not null`,
    );
    this.addSql(
      `create index charges_uninvoiced_idx on charges (customer_account, call_start) where invoice_id is null and superseded_at is null`,
    );
    this.addSql(`drop table charge_claims`);
  }
}
