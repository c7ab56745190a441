import { Migration } from '@mikro-orm/migrations';

/**
 * Months archived by `billing retention` before it dropped the id default (month-retention.ts,
 * moveToArchive) still have `id default nextval(...)` on the live tables' sequences. That ties each
 * archived table to the live one: nothing can drop or replace the live table or its sequence (a
 * down migration, a rebuild) while the archive exists, and dropping an archive is refused with
 * "other objects depend on it" the other way round. Archived months take no new rows, so the
 * default goes from every table in `billing_archive`; a database without archives is untouched.
 */
export class Migration20261206000900ArchivedIdDefaults extends Migration {
  override up(): void {
    this.addSql(`
      do $$
      declare
        archived record;
      begin
        for archived in
          select c.table_name from information_schema.columns c
          where c.table_schema = 'billing_archive' and c.column_name = 'id' and c.column_default is not null
        loop
          execute format('alter table billing_archive.%I alter column id drop default', archived.table_name);
        end loop;
      end $$`);
  }

  /** Nothing to undo: an archived month needs no default, and the old one is not worth restoring. */
  override down(): void {}
}
