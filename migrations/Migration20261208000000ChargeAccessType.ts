import { Migration } from '@mikro-orm/migrations';

/**
 * The access type of a charge's call on the charge itself (issue 14): closing groups a period's
 * charges by access type, and reading it from the CDRs was a second scan of a month's CDR rows and a
 * hash join per 1000 customers (about a sixth of a close). Ingest, retries and rerates write it with
 * the charge (a CDR's access type never changes); closing falls back to the CDR when it is NULL.
 *
 * - `charges.access_type`: nullable, so adding it changes only the catalogue (no rewrite of a
 *   partitioned table that may hold years of charges).
 * - Existing charges that a close may still claim (current, unclaimed) get it from their CDR here,
 *   once, so the next close finds them all on the fast path; invoiced history keeps NULL.
 */
export class Migration20261208000000ChargeAccessType extends Migration {
  override up(): void {
    this.addSql(`alter table charges add column if not exists access_type text`);
    this.addSql(`
      update charges c set access_type = d.access_type
      from cdrs d
      where d.id = c.cdr_id and d.start_time = c.call_start and c.access_type is null
        and c.superseded_at is null
        and not exists (select 1 from charge_claims k where k.charge_id = c.id)`);
  }

  override down(): void {
    this.addSql(`alter table charges drop column if exists access_type`);
  }
}
