import { Migration } from '@mikro-orm/migrations';

/**
 * What Peppol e-invoices need of a customer (issue 13): the electronic address they receive
 * e-invoices at (BT-49, an ICD scheme and an id), the buyer's reference (BT-10) and order number
 * (BT-13). Nullable text, no default: existing customers have none until sales sets them, and adding
 * nullable columns changes only the catalogue, however large the table. `if not exists` keeps a
 * second run harmless.
 */
export class Migration20261203000000CustomerPeppol extends Migration {
  override up(): void {
    this.addSql(`alter table customers add column if not exists electronic_address_scheme text`);
    this.addSql(`alter table customers add column if not exists electronic_address_id text`);
    this.addSql(`alter table customers add column if not exists buyer_reference text`);
    this.addSql(`alter table customers add column if not exists order_reference text`);
  }

  override down(): void {
    this.addSql('alter table customers drop column order_reference');
    this.addSql('alter table customers drop column buyer_reference');
    this.addSql('alter table customers drop column electronic_address_id');
    this.addSql('alter table customers drop column electronic_address_scheme');
  }
}
