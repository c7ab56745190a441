import { Migration } from '@mikro-orm/migrations';

/**
 * Two of the writes every ingested CDR pays for, made cheaper (issue 14), measured with plain SQL
 * on this machine (100,000 rows, psql \timing, see docs/scaling.md):
 *
 * - `charge_daily_totals` is upserted once per (customer, day, access type, zone) of every batch,
 *   about once per CDR. With full pages every update writes a new tuple elsewhere and a new entry
 *   in the primary key; with room left in each page (fillfactor 50) PostgreSQL updates in place
 *   (HOT: the key columns never change), and 100,000 upserts took 0.79 s instead of 1.25 s. The
 *   table holds one row per customer and day, so the doubled size is small. Pages already full get
 *   the room when autovacuum or a VACUUM FULL rewrites them.
 * - `charges_customer_id_idx` (customer, id) is no longer read: a close finds late charges above
 *   its fence through each month's primary key (id first; close-claims.ts), and everything else
 *   reads charges by customer and call start. Inserting 100,000 charges took 1.1-1.2 s without it
 *   instead of 1.7 s.
 */
export class Migration20261207000500IngestWriteCost extends Migration {
  override up(): void {
    this.addSql(`alter table charge_daily_totals set (fillfactor = 50)`);
    this.addSql(`drop index charges_customer_id_idx`);
  }

  override down(): void {
    this.addSql(`create index charges_customer_id_idx on charges (customer_account, id)`);
    this.addSql(`alter table charge_daily_totals reset (fillfactor)`);
  }
}
