import { Migration } from '@mikro-orm/migrations';

/**
 * Invoice lines an auditor can recompute: quantity × unit price / base quantity, less a percentage
 * allowance, is the net amount.
 *
 * - `charges.parts`: what each call's price is made of, typed (src/domain/rating/charge-parts.ts):
 *   its seconds at each exact rate, its connect fee, a minimum or maximum charge, surcharges, and
 *   the discount on each. Invoices sum equal parts into one line. Charges stored before this
 *   migration have no such record; each becomes one part, the call at its own amount, which is
 *   exact but not split by rate.
 * - `invoice_lines.base_quantity` (the units the unit price is for: 60 for a per-minute rate on
 *   seconds) and `invoice_lines.allowance` (a discount on the line). Lines issued before it were
 *   priced per one unit and had no allowance.
 *
 * One UPDATE per table inside the migrator's transaction; NOT NULL after the backfill, without a
 * default, so a writer that forgets a column fails instead of inventing a value.
 */
export class Migration20261203000000PricedParts extends Migration {
  override up(): void {
    this.addSql(`alter table charges add column if not exists parts jsonb`);
    this.addSql(`
      update charges
      set parts = jsonb_build_array(jsonb_build_object(
        'kind', 'usage', 'quantity', '1', 'unitCode', 'C62', 'price', amount::text, 'baseQuantity', '1'))
      where parts is null`);
    this.addSql(`alter table charges alter column parts set not null`);
    this.addSql(
      `alter table invoice_lines add column if not exists base_quantity numeric not null default 1`,
    );
    this.addSql(`alter table invoice_lines alter column base_quantity drop default`);
    this.addSql(`alter table invoice_lines add column if not exists allowance jsonb`);
  }

  override down(): void {
    this.addSql('alter table invoice_lines drop column allowance');
    this.addSql('alter table invoice_lines drop column base_quantity');
    this.addSql('alter table charges drop column parts');
  }
}
