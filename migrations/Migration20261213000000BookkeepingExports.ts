import { Migration } from '@mikro-orm/migrations';

/**
 * Two rules of the books that numbering now keeps (src/persistence/invoice-documents.ts issueIn):
 *
 * - bookkeeping_exports: a month exported to the bookkeeping (SIE 4i, src/app/bookkeeping) is
 *   recorded with the very file handed out. Its vouchers are in the ledger now, so no document may
 *   be dated in it any more (importing the month again would book the early vouchers twice, or miss
 *   the late ones), and exporting it again hands out the same bytes, the copy of what was imported.
 * - invoice_counters.last_issue_date: the latest issue date of a series and year, so a number is
 *   never dated before the one before it (numbers follow dates, as an auditor reads them). Filled
 *   from the documents issued so far; null for a counter that has issued none.
 */
export class Migration20261213000000BookkeepingExports extends Migration {
  override up(): void {
    this.addSql(`
      create table bookkeeping_exports (
        month text primary key check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        content bytea not null,
        voucher_count integer not null check (voucher_count >= 0),
        exported_at timestamptz not null
      )`);
    this.addSql(`alter table invoice_counters add column last_issue_date date`);
    this.addSql(`
      update invoice_counters c
      set last_issue_date = (select max(i.issue_date) from invoices i
                             where i.status = 'ISSUED' and i.series = c.series
                               and i.issue_date >= make_date(c.year, 1, 1)
                               and i.issue_date < make_date(c.year + 1, 1, 1))`);
  }

  override down(): void {
    this.addSql(`alter table invoice_counters drop column last_issue_date`);
    this.addSql(`drop table bookkeeping_exports`);
  }
}
