import { Migration } from '@mikro-orm/migrations';

/**
 * How a customer wants its invoices: usage lines by conference instead of by access type and zone
 * (`invoice_line_grouping`, null = by access type and zone), and a call specification appendix
 * (`call_specification`). Existing customers keep the invoices they had: null and false. A constant
 * default changes only the catalogue, however large the table.
 */
export class Migration20261203000100CustomerInvoiceOptions extends Migration {
  override up(): void {
    this.addSql(
      `alter table customers add column if not exists invoice_line_grouping text check (invoice_line_grouping in ('conference'))`,
    );
    this.addSql(
      `alter table customers add column if not exists call_specification boolean not null default false`,
    );
  }

  override down(): void {
    this.addSql('alter table customers drop column call_specification');
    this.addSql('alter table customers drop column invoice_line_grouping');
  }
}
