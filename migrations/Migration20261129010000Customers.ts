import { Migration } from '@mikro-orm/migrations';

/**
 * Customers (versioned), contracts, bookings with their outbox of events for the bridges, and the
 * idempotency keys of mutations. Tables and columns of customers, customer_versions and contracts
 * follow docs/schema-contract.md; extra columns are additions only.
 */
export class Migration20261129010000Customers extends Migration {
  override up(): void {
    this.addSql(`
      create table customers (
        id bigint generated always as identity primary key,
        external_id text not null unique,
        name text not null,
        email text,
        vat_number text,
        country_code char(2),
        currency char(3) not null,
        time_zone text not null,
        payment_terms_days integer not null default 30 check (payment_terms_days >= 0),
        address jsonb not null default '{}',
        registration_number text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql(`create index customers_name_idx on customers (name, id)`);
    this.addSql(`
      create table customer_versions (
        customer_id bigint not null references customers (id),
        version integer not null,
        snapshot jsonb not null,
        valid_from timestamptz not null,
        primary key (customer_id, version)
      )`);
    this.addSql(`
      create table contracts (
        id bigint generated always as identity primary key,
        external_id text not null unique,
        customer_external_id text not null references customers (external_id),
        price_plan text,
        discount_percent numeric check (discount_percent >= 0 and discount_percent <= 100),
        special_prices jsonb not null default '[]',
        included_minutes numeric not null default 0,
        minimum_commitment numeric,
        billing_cycle text not null default 'MONTHLY' check (billing_cycle in ('MONTHLY', 'QUARTERLY', 'YEARLY')),
        anchor_day integer not null default 1 check (anchor_day between 1 and 28),
        valid_from timestamptz not null,
        valid_to timestamptz,
        signed_at timestamptz,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (valid_to is null or valid_to > valid_from)
      )`);
    this.addSql(`create index contracts_customer_idx on contracts (customer_external_id, valid_from desc)`);

    this.addSql(`
      create table bookings (
        id text primary key,
        external_reference text unique,
        customer_account text not null references customers (external_id),
        bridge_id text not null,
        title text not null default '',
        scheduled_start timestamptz not null,
        expected_duration_seconds integer not null check (expected_duration_seconds > 0),
        time_zone text not null,
        expected_participants integer not null check (expected_participants >= 1),
        dial_out_numbers text[] not null default '{}',
        features text[] not null default '{}',
        host_code text not null,
        participant_code text not null,
        status text not null default 'SCHEDULED' check (status in ('SCHEDULED', 'CANCELLED')),
        cancel_reason text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    this.addSql(`create index bookings_bridge_start_idx on bookings (bridge_id, scheduled_start, id)`);
    this.addSql(`create index bookings_start_idx on bookings (scheduled_start, id)`);
    this.addSql(`create index bookings_customer_start_idx on bookings (customer_account, scheduled_start)`);
    // The outbox: written in the same transaction as the booking change; its id is the bridge's cursor.
    this.addSql(`
      create table booking_events (
        id bigint generated always as identity primary key,
        bridge_id text not null,
        booking_id text not null,
        type text not null check (type in ('CREATED', 'UPDATED', 'CANCELLED')),
        snapshot jsonb not null,
        occurred_at timestamptz not null default now()
      )`);
    this.addSql(`create index booking_events_bridge_idx on booking_events (bridge_id, id)`);
    this.addSql(`create index cdrs_booking_idx on cdrs (booking_id) where booking_id is not null`);

    this.addSql(`
      create table idempotency_keys (
        scope text not null,
        request_id text not null,
        request_hash text not null,
        response jsonb,
        created_at timestamptz not null default now(),
        primary key (scope, request_id)
      )`);
  }

  override down(): void {
    this.addSql('drop table idempotency_keys');
    this.addSql('drop index cdrs_booking_idx');
    this.addSql('drop table booking_events');
    this.addSql('drop table bookings');
    this.addSql('drop table contracts');
    this.addSql('drop table customer_versions');
    this.addSql('drop table customers');
  }
}
