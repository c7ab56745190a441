import { Migration } from '@mikro-orm/migrations';

/**
 * A narrow charge row for ingest (issue 14): a charge no longer has to carry its explanation's
 * words (~700 bytes of jsonb each), which made every ingested CDR cost about three plain inserts.
 *
 * - `charges.pricing_facts`: what the charge was priced with besides its CDR and rule set (the
 *   customer's time zone, currency and contract at the call, booked features), as ingest saw them.
 *   With the archived rule set (`rule_sets`, by `rule_set_hash`) and the stored CDR, that re-derives
 *   the same explanation (src/app/ingest/explain-charge.ts). `{}` means list prices, no customer.
 * - `charges.explanation` becomes optional: ingest writes the facts instead; rerates, retries and
 *   every charge stored before this migration keep their words, and stay as they are.
 * - A charge has one or the other, always (`charges_explained`), so every charge stays explainable.
 *
 * Existing rows need no rewrite: each already has its explanation. Dropping NOT NULL and adding a
 * nullable column change only the catalogue; the check scans the table once, in the migrator's
 * transaction.
 */
export class Migration20261204001400NarrowCharges extends Migration {
  override up(): void {
    this.addSql(`alter table charges add column if not exists pricing_facts jsonb`);
    this.addSql(`alter table charges alter column explanation drop not null`);
    this.addSql(`alter table charges drop constraint if exists charges_explained`);
    this.addSql(
      `alter table charges add constraint charges_explained check (explanation is not null or pricing_facts is not null)`,
    );
  }

  override down(): void {
    this.addSql(`alter table charges drop constraint if exists charges_explained`);
    // The words cannot be re-derived in SQL: keep the facts inside the explanation instead.
    this.addSql(
      `update charges set explanation = jsonb_build_object('summary', 'Priced with the facts below; re-derive the steps from the archived rule set.', 'pricingFacts', pricing_facts) where explanation is null`,
    );
    this.addSql(`alter table charges alter column explanation set not null`);
    this.addSql(`alter table charges drop column pricing_facts`);
  }
}
