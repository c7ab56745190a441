import { Migration } from '@mikro-orm/migrations';

/**
 * What invoices and running totals count of a charge, as columns: `zone` and `billed_seconds`.
 * They were read from the explanation (jsonb), which is text for people, so rewording it changed
 * invoices. Writers now fill the columns from the rating result; this is the one place that still
 * reads the explanation, to backfill charges stored before it, with the rule the reads used: the
 * zone or "", and billed seconds summed over the time bands, or the CDR's duration without bands.
 *
 * The band split is not stored: invoice lines group by access type, zone and currency only.
 *
 * On a large table: adding a column with a constant default (or none) changes only the catalogue,
 * and the backfill is ONE pass (one UPDATE joined to cdrs), inside the migrator's transaction, so
 * it commits with the columns or not at all. `if not exists` and `billed_seconds is null` keep a
 * second run harmless. NOT NULL is set after the backfill, so no default can hide a writer that
 * forgets the column.
 */
export class Migration20261202000000ChargeColumns extends Migration {
  override up(): void {
    this.addSql(`alter table charges add column if not exists zone text not null default ''`);
    this.addSql(`alter table charges add column if not exists billed_seconds integer`);
    this.addSql(`
      update charges c
      set zone = coalesce(c.explanation->>'zone', ''),
          billed_seconds = coalesce(
            (select sum((b->>'billedSeconds')::numeric) from jsonb_array_elements(c.explanation->'bands') b),
            d.duration_seconds)
      from cdrs d
      where d.id = c.cdr_id and c.billed_seconds is null`);
    this.addSql(`alter table charges alter column billed_seconds set not null`);
    // The default only filled the rows that existed; a writer must now name the zone ('' for none).
    this.addSql(`alter table charges alter column zone drop default`);
  }

  override down(): void {
    this.addSql('alter table charges drop column billed_seconds');
    this.addSql('alter table charges drop column zone');
  }
}
