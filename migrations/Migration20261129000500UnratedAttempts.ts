import { Migration } from '@mikro-orm/migrations';

/** Unrated CDRs are priced again later; keep how often and when that was tried. */
export class Migration20261129000500UnratedAttempts extends Migration {
  override up(): void {
    this.addSql(`alter table cdrs add column rating_attempts integer not null default 1`);
    this.addSql(`alter table cdrs add column last_rating_attempt_at timestamptz`);
    this.addSql(
      `create index cdrs_unrated_customer_idx on cdrs (customer_account, start_time) where rating_status = 'unrated'`,
    );
  }

  override down(): void {
    this.addSql('drop index cdrs_unrated_customer_idx');
    this.addSql('alter table cdrs drop column last_rating_attempt_at');
    this.addSql('alter table cdrs drop column rating_attempts');
  }
}
