import { Migration } from '@mikro-orm/migrations';

/**
 * The first schema: CDRs stored once forever, their charges, and every rule set that ever priced one.
 * Money is `numeric` (never float); identities are NOT NULL unique keys so dedup lives in the database.
 */
export class Migration20261129000000Foundation extends Migration {
  override up(): void {
    this.addSql(`
      create table rule_sets (
        hash text primary key,
        name text not null,
        version text not null,
        effective_from timestamptz not null,
        currency char(3) not null,
        files jsonb not null,
        first_loaded_at timestamptz not null default now()
      )`);
    this.addSql(`
      create table cdrs (
        id bigint generated always as identity primary key,
        bridge_id text not null,
        record_id text not null,
        fingerprint text not null,
        conference_id text not null,
        booking_id text,
        customer_account text not null,
        access_type text not null,
        caller_number text,
        called_number text,
        start_time timestamptz not null,
        answer_time timestamptz,
        end_time timestamptz not null,
        duration_seconds integer not null check (duration_seconds >= 0),
        features text[] not null default '{}',
        received_at timestamptz not null default now(),
        rating_status text not null check (rating_status in ('rated', 'unrated')),
        unrated_reason text,
        constraint cdrs_bridge_record_unique unique (bridge_id, record_id)
      )`);
    this.addSql(`create index cdrs_customer_start_idx on cdrs (customer_account, start_time)`);
    this.addSql(`create index cdrs_unrated_idx on cdrs (id) where rating_status = 'unrated'`);
    this.addSql(`
      create table charges (
        id bigint generated always as identity primary key,
        cdr_id bigint not null references cdrs (id),
        customer_account text not null,
        call_start timestamptz not null,
        amount numeric not null,
        currency char(3) not null,
        rule_set_hash text not null references rule_sets (hash),
        fired_rules text[] not null,
        explanation jsonb not null,
        created_at timestamptz not null default now(),
        superseded_at timestamptz
      )`);
    // One current charge per CDR; a rerate supersedes the old one instead of editing it.
    this.addSql(
      `create unique index charges_current_per_cdr on charges (cdr_id) where superseded_at is null`,
    );
    this.addSql(`create index charges_customer_start_idx on charges (customer_account, call_start)`);
  }

  override down(): void {
    this.addSql('drop table charges');
    this.addSql('drop table cdrs');
    this.addSql('drop table rule_sets');
  }
}
