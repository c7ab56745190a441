import { Migration } from '@mikro-orm/migrations';

/**
 * The access type of a charge's call on the charge itself (issue 14): closing groups a period's
 * charges by access type, and reading it from the CDRs was a second scan of a month's CDR rows and a
 * hash join per 1000 customers (about a sixth of a close). Ingest, retries and rerates write it with
 * the charge (a CDR's access type never changes); closing falls back to the CDR when it is NULL.
 *
 * Only the catalogue changes: the column is nullable, so adding it rewrites nothing, and charges
 * stored before it keep NULL. No backfill here: a migration runs in one transaction that holds the
 * charges table exclusively, and an UPDATE of every unclaimed charge of all history would stop
 * ingest and reads for as long as it ran. The first close after the upgrade looks up those charges'
 * CDRs one by one (slower, once); later charges carry their own.
 */
export class Migration20261208000000ChargeAccessType extends Migration {
  override up(): void {
    this.addSql(`alter table charges add column if not exists access_type text`);
  }

  override down(): void {
    this.addSql(`alter table charges drop column if exists access_type`);
  }
}
