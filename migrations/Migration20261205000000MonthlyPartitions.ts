import { Migration } from '@mikro-orm/migrations';

/**
 * CDRs and charges partitioned by month of the call's start (issue 14), so that years of history
 * cost a close, running charges and ingest nothing: their queries name a time range and touch only
 * its months, and an old month leaves as one partition (`billing retention`), not as a delete.
 *
 * - `cdrs` by `start_time`, `charges` by `call_start` (a charge's `call_start` is its CDR's
 *   `start_time`), monthly in UTC, PostgreSQL declarative partitioning (the same DDL on PGlite).
 *   Primary keys become (id, month column): a partitioned table's unique keys must hold the
 *   partition key. Ids still come from one sequence per table, so an id alone still names one row.
 * - Permanent dedup: a global unique (bridge_id, record_id) cannot exist on a partitioned table, so
 *   it moves to the narrow, unpartitioned `cdr_keys`, which also keeps the fingerprint and the
 *   month, so a record is recognised as a duplicate (or a conflict) even after retention dropped its
 *   month. Ingest inserts the key first (ON CONFLICT DO NOTHING) and stores only the fresh ones.
 * - `charges_current_per_cdr` becomes unique on (cdr_id, call_start): still one current charge per
 *   CDR, as a CDR has one start.
 * - The foreign key charges.cdr_id -> cdrs(id) goes: it cannot name cdrs without the month, and it
 *   cost a lookup per ingested charge. The same statement writes a CDR and its charge
 *   (src/persistence/cdr-store.ts), and retention drops a month of both together.
 * - `billing_ensure_month_partitions(from, to)` creates the months of both tables that a range
 *   needs, under an advisory lock so replicas do not race. Ingest calls it (outside its
 *   transaction) the first time it sees a month; there is no default partition, so a row for a
 *   month nobody created fails loudly instead of landing where a later month cannot be attached.
 *
 * Existing rows are copied into the partitioned tables, keeping their ids.
 */
export class Migration20261205000000MonthlyPartitions extends Migration {
  override up(): void {
    this.addSql(ENSURE_FUNCTION);
    this.addSql(`alter table charges drop constraint if exists charges_cdr_id_fkey`);

    this.addSql(`alter table cdrs rename to cdrs_unpartitioned`);
    this.addSql(`create sequence cdr_ids as bigint`);
    this.addSql(`
      create table cdrs (
        id bigint not null default nextval('cdr_ids'),
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
        rating_attempts integer not null default 1,
        last_rating_attempt_at timestamptz,
        constraint cdrs_month_pkey primary key (id, start_time)
      ) partition by range (start_time)`);
    this.addSql(`alter sequence cdr_ids owned by cdrs.id`);

    this.addSql(`alter table charges rename to charges_unpartitioned`);
    this.addSql(`create sequence charge_ids as bigint`);
    this.addSql(`
      create table charges (
        id bigint not null default nextval('charge_ids'),
        cdr_id bigint not null,
        customer_account text not null,
        call_start timestamptz not null,
        amount numeric not null,
        currency char(3) not null,
        rule_set_hash text not null references rule_sets (hash),
        fired_rules text[] not null,
        explanation jsonb,
        created_at timestamptz not null default now(),
        superseded_at timestamptz,
        zone text not null,
        billed_seconds integer not null,
        parts jsonb not null,
        pricing_facts jsonb,
        constraint charges_month_pkey primary key (id, call_start),
        constraint charges_month_explained check (explanation is not null or pricing_facts is not null)
      ) partition by range (call_start)`);
    this.addSql(`alter sequence charge_ids owned by charges.id`);

    this.addSql(`
      create table cdr_keys (
        bridge_id text not null,
        record_id text not null,
        fingerprint text not null,
        start_time timestamptz not null,
        primary key (bridge_id, record_id)
      )`);

    this.addSql(`
      select billing_ensure_month_partitions(min(t), max(t))
      from (select start_time as t from cdrs_unpartitioned union all select call_start from charges_unpartitioned) x
      having count(*) > 0`);
    this.addSql(`
      insert into cdrs (id, bridge_id, record_id, fingerprint, conference_id, booking_id, customer_account, access_type,
                        caller_number, called_number, start_time, answer_time, end_time, duration_seconds, features,
                        received_at, rating_status, unrated_reason, rating_attempts, last_rating_attempt_at)
      select id, bridge_id, record_id, fingerprint, conference_id, booking_id, customer_account, access_type,
             caller_number, called_number, start_time, answer_time, end_time, duration_seconds, features,
             received_at, rating_status, unrated_reason, rating_attempts, last_rating_attempt_at
      from cdrs_unpartitioned`);
    this.addSql(`
      insert into cdr_keys (bridge_id, record_id, fingerprint, start_time)
      select bridge_id, record_id, fingerprint, start_time from cdrs_unpartitioned`);
    this.addSql(`
      insert into charges (id, cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules,
                           explanation, created_at, superseded_at, zone, billed_seconds, parts, pricing_facts)
      select id, cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules,
             explanation, created_at, superseded_at, zone, billed_seconds, parts, pricing_facts
      from charges_unpartitioned`);
    this.addSql(`select setval('cdr_ids', coalesce((select max(id) from cdrs_unpartitioned), 0) + 1, false)`);
    this.addSql(
      `select setval('charge_ids', coalesce((select max(id) from charges_unpartitioned), 0) + 1, false)`,
    );
    this.addSql(`drop table charges_unpartitioned`);
    this.addSql(`drop table cdrs_unpartitioned`);
    this.addSql(`alter table charges rename constraint charges_month_explained to charges_explained`);
    this.addSql(`alter table cdrs rename constraint cdrs_month_pkey to cdrs_pkey`);
    this.addSql(`alter table charges rename constraint charges_month_pkey to charges_pkey`);

    this.addSql(`create index cdrs_bridge_record_idx on cdrs (bridge_id, record_id)`);
    this.addSql(`create index cdrs_booking_idx on cdrs (booking_id) where booking_id is not null`);
    this.addSql(`create index cdrs_customer_start_idx on cdrs (customer_account, start_time)`);
    this.addSql(
      `create index cdrs_unrated_customer_idx on cdrs (customer_account, start_time) where rating_status = 'unrated'`,
    );
    this.addSql(`create index cdrs_unrated_idx on cdrs (id) where rating_status = 'unrated'`);
    this.addSql(
      `create unique index charges_current_per_cdr on charges (cdr_id, call_start) where superseded_at is null`,
    );
    this.addSql(`create index charges_customer_start_idx on charges (customer_account, call_start)`);
    this.addSql(RUNNING_TOTALS_BY_MONTH);
  }

  override down(): void {
    this.addSql(`alter table cdrs rename to cdrs_partitioned`);
    this.addSql(`alter table charges rename to charges_partitioned`);
    this.addSql(`alter index cdrs_booking_idx rename to cdrs_partitioned_booking_idx`);
    this.addSql(`alter index cdrs_customer_start_idx rename to cdrs_partitioned_customer_start_idx`);
    this.addSql(`alter index cdrs_unrated_customer_idx rename to cdrs_partitioned_unrated_customer_idx`);
    this.addSql(`alter index cdrs_unrated_idx rename to cdrs_partitioned_unrated_idx`);
    this.addSql(`alter index charges_current_per_cdr rename to charges_partitioned_current_per_cdr`);
    this.addSql(`alter index charges_customer_start_idx rename to charges_partitioned_customer_start_idx`);
    this.addSql(
      `alter table charges_partitioned rename constraint charges_explained to charges_partitioned_explained`,
    );
    this.addSql(`create table cdrs (like cdrs_partitioned including defaults including constraints)`);
    this.addSql(`alter table cdrs alter column id drop default`);
    this.addSql(`alter table cdrs alter column id add generated always as identity`);
    this.addSql(`create table charges (like charges_partitioned including defaults including constraints)`);
    this.addSql(`alter table charges alter column id drop default`);
    this.addSql(`alter table charges alter column id add generated always as identity`);
    this.addSql(`insert into cdrs overriding system value select * from cdrs_partitioned`);
    this.addSql(`insert into charges overriding system value select * from charges_partitioned`);
    this.addSql(
      `select setval(pg_get_serial_sequence('cdrs', 'id'), coalesce(max(id), 0) + 1, false) from cdrs`,
    );
    this.addSql(
      `select setval(pg_get_serial_sequence('charges', 'id'), coalesce(max(id), 0) + 1, false) from charges`,
    );
    this.addSql(`drop table charges_partitioned`);
    this.addSql(`drop table cdrs_partitioned`);
    this.addSql(`drop table cdr_keys`);
    this.addSql(`drop function billing_ensure_month_partitions(timestamptz, timestamptz)`);
    this.addSql(`alter table cdrs add primary key (id)`);
    this.addSql(`alter table cdrs add constraint cdrs_bridge_record_unique unique (bridge_id, record_id)`);
    this.addSql(`create index cdrs_booking_idx on cdrs (booking_id) where booking_id is not null`);
    this.addSql(`create index cdrs_customer_start_idx on cdrs (customer_account, start_time)`);
    this.addSql(
      `create index cdrs_unrated_customer_idx on cdrs (customer_account, start_time) where rating_status = 'unrated'`,
    );
    this.addSql(`create index cdrs_unrated_idx on cdrs (id) where rating_status = 'unrated'`);
    this.addSql(`alter table charges add primary key (id)`);
    this.addSql(`alter table charges add foreign key (cdr_id) references cdrs (id)`);
    this.addSql(`alter table charges add foreign key (rule_set_hash) references rule_sets (hash)`);
    this.addSql(
      `create unique index charges_current_per_cdr on charges (cdr_id) where superseded_at is null`,
    );
    this.addSql(`create index charges_customer_start_idx on charges (customer_account, call_start)`);
  }
}

/**
 * Creates, for every UTC month that [p_from, p_to] touches, the partitions cdrs_YYYY_MM and
 * charges_YYYY_MM when they are missing; answers how many tables it created. The advisory lock
 * makes concurrent callers (replicas, the CLI) wait for each other instead of racing on the DDL.
 */
const ENSURE_FUNCTION = `
create or replace function billing_ensure_month_partitions(p_from timestamptz, p_to timestamptz)
returns integer language plpgsql as $$
declare
  m timestamp := date_trunc('month', p_from at time zone 'UTC');
  created integer := 0;
  suffix text;
  tbl text;
begin
  perform pg_advisory_xact_lock(hashtext('billing_ensure_month_partitions'));
  while m <= p_to at time zone 'UTC' loop
    suffix := to_char(m, 'YYYY_MM');
    foreach tbl in array array['cdrs', 'charges'] loop
      if to_regclass(tbl || '_' || suffix) is null then
        execute format('create table %I partition of %I for values from (%L) to (%L)',
                       tbl || '_' || suffix, tbl, m at time zone 'UTC', (m + interval '1 month') at time zone 'UTC');
        created := created + 1;
      end if;
    end loop;
    m := m + interval '1 month';
  end loop;
  return created;
end $$`;

/**
 * billing_running_totals as before, with today's charges joined to their CDRs within the month
 * (d.start_time = c.call_start), so the join reads one partition of cdrs instead of every month's.
 */
export const RUNNING_TOTALS_BY_MONTH = `
create or replace function billing_running_totals(
  p_account text, p_from_date date, p_until_date date, p_day_start timestamptz, p_until timestamptz)
returns table (access_type text, zone text, currency text, calls text, billed_seconds text, amount text)
language plpgsql stable as $$
#variable_conflict use_column
begin
  return query
  select p.access_type, p.zone, p.currency, sum(p.calls)::text, sum(p.billed_seconds)::text, sum(p.amount)::text
  from (
    select t.access_type, t.zone, trim(t.currency) as currency, t.calls, t.billed_seconds, t.amount
    from charge_daily_totals t
    where t.customer_account = p_account and t.local_date >= p_from_date and t.local_date < p_until_date
    union all
    select d.access_type, c.zone, trim(c.currency), count(*), sum(c.billed_seconds)::bigint, sum(c.amount)
    from charges c join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
    where c.customer_account = p_account and c.superseded_at is null
      and c.call_start >= p_day_start and c.call_start < p_until
    group by 1, 2, 3
  ) p
  group by p.access_type, p.zone, p.currency
  order by p.access_type, p.zone, p.currency;
end $$`;
