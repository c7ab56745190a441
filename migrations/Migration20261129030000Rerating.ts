import { Migration } from '@mikro-orm/migrations';

/**
 * Re-rating: an issued invoice is never edited, so a rerate that changes what it billed produces a
 * credit note (for what went down) and a supplementary invoice (for what went up) that refer to it.
 *
 * - `invoices.supplements_invoice_id`: a supplementary invoice points at the invoice it complements.
 *   The one-invoice-per-period key now covers only the period's own invoice, so a supplement can sit
 *   beside it while closing stays idempotent.
 * - `invoice_lines.adjusts_key`: on correction lines, the key of the invoice line they adjust (what
 *   a supplementary invoice's line corrects has no line number on the credited invoice to point at).
 */
export class Migration20261129030000Rerating extends Migration {
  override up(): void {
    this.addSql(`alter table invoices add column supplements_invoice_id bigint references invoices (id)`);
    this.addSql(
      `alter table invoices add constraint invoices_supplement_is_invoice check (supplements_invoice_id is null or kind = 'INVOICE')`,
    );
    this.addSql(`drop index invoices_one_per_period`);
    this.addSql(
      `create unique index invoices_one_per_period on invoices (customer_account, period_key) where kind = 'INVOICE' and supplements_invoice_id is null`,
    );
    this.addSql(
      `create index invoices_supplements_idx on invoices (supplements_invoice_id) where supplements_invoice_id is not null`,
    );
    this.addSql(`alter table invoice_lines add column adjusts_key text`);
  }

  override down(): void {
    this.addSql('alter table invoice_lines drop column adjusts_key');
    this.addSql('drop index invoices_supplements_idx');
    this.addSql('drop index invoices_one_per_period');
    this.addSql(
      `create unique index invoices_one_per_period on invoices (customer_account, period_key) where kind = 'INVOICE'`,
    );
    this.addSql('alter table invoices drop constraint invoices_supplement_is_invoice');
    this.addSql('alter table invoices drop column supplements_invoice_id');
  }
}
