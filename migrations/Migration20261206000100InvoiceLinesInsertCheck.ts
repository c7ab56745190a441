import { Migration } from '@mikro-orm/migrations';

/**
 * Lines of an issued invoice still never change, but an INSERT is checked once per statement, not
 * once per line (issue 14: a close inserts about 50,000 lines for 10,000 invoices, and the row
 * trigger ran a PL/pgSQL call and an invoice lookup for each; in a close profile the line inserts
 * were a fifth of the time).
 *
 * - `invoice_lines_immutable` (BEFORE, FOR EACH ROW) keeps guarding UPDATE and DELETE, unchanged.
 * - `invoice_lines_insert_immutable` (AFTER INSERT, FOR EACH STATEMENT, with the inserted rows as a
 *   transition table) refuses the whole statement when any of its lines belongs to an issued
 *   invoice, with the same message and error code. PostgreSQL and PGlite both run it.
 */
export class Migration20261206000100InvoiceLinesInsertCheck extends Migration {
  override up(): void {
    this.addSql(`drop trigger invoice_lines_immutable on invoice_lines`);
    this.addSql(`
      create trigger invoice_lines_immutable before update or delete on invoice_lines
      for each row execute function invoice_lines_refuse_change_when_issued()`);
    this.addSql(`
      create function invoice_lines_refuse_insert_when_issued() returns trigger language plpgsql as $$
      declare
        target bigint;
      begin
        select min(n.invoice_id) into target
        from new_lines n join invoices i on i.id = n.invoice_id
        where i.status = 'ISSUED';
        if target is not null then
          raise exception 'lines of issued invoice % can never change', target
            using errcode = 'P0001', hint = 'issued invoices are immutable';
        end if;
        return null;
      end $$`);
    this.addSql(`
      create trigger invoice_lines_insert_immutable after insert on invoice_lines
      referencing new table as new_lines
      for each statement execute function invoice_lines_refuse_insert_when_issued()`);
  }

  override down(): void {
    this.addSql(`drop trigger invoice_lines_insert_immutable on invoice_lines`);
    this.addSql(`drop function invoice_lines_refuse_insert_when_issued()`);
    this.addSql(`drop trigger invoice_lines_immutable on invoice_lines`);
    this.addSql(`
      create trigger invoice_lines_immutable before insert or update or delete on invoice_lines
      for each row execute function invoice_lines_refuse_change_when_issued()`);
  }
}
