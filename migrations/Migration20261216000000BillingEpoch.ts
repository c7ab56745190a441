import { Migration } from '@mikro-orm/migrations';

/**
 * When billing began on this installation, recorded once (one row): the scheduler bills no minimum
 * commitment for a period before it (src/app/invoicing/commitment-due.ts).
 *
 * It was inferred from the earliest call of any stored charge, so one old CDR (last year's file
 * imported, a bridge's backlog) moved it back for every committed customer and sent them years of
 * back invoices. It is now the moment the scheduler first found anything charged or closed, by the
 * service's clock (InvoiceStore.billingBegan). An installation that already bills is seeded with the
 * moment it first stored a charge or closed a period (created_at, closed_at: when, not which call).
 */
export class Migration20261216000000BillingEpoch extends Migration {
  override up(): void {
    this.addSql(`
      create table billing_epoch (
        only_row boolean primary key default true check (only_row),
        began_at timestamptz not null,
        time_zone text not null
      )`);
    this.addSql(`
      insert into billing_epoch (began_at, time_zone)
      select began, 'UTC' from (
        select least((select min(created_at) from charges), (select min(closed_at) from period_closings)) as began
      ) b
      where began is not null`);
  }

  override down(): void {
    this.addSql(`drop table billing_epoch`);
  }
}
