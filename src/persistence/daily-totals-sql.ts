/**
 * SQL shared by ingest (which keeps `charge_daily_totals` up to date) and invoicing (which reads it
 * for running charges). Zone and billed seconds come from the charges' own columns (filled by the
 * writers from the rating result), never from the explanation, which is text for people.
 */

/**
 * A data-modifying CTE (without the leading comma) that adds freshly stored charges to
 * `charge_daily_totals`. `source` names a CTE or relation with one row per NEW current charge and the
 * columns: customer_account, call_start (timestamptz), access_type, amount (numeric), currency,
 * zone (text), billed_seconds (integer).
 *
 * The local date is the call's start date in the customer's time zone (customers.time_zone; UTC for an
 * account without a customer row). Rows are upserted in key order so that concurrent batches take
 * the row locks in the same order (a deadlock is still possible across statements; the CDR store
 * already retries 40P01).
 *
 * Use it inside the same statement (or transaction) that inserts the charges, so totals and charges
 * commit together:
 *
 *   with input as (...), inserted as (... returning id, bridge_id, record_id),
 *   charged as (insert into charges ...
 *               returning customer_account, call_start, access_type, amount, currency, zone, billed_seconds),
 *   ${dailyTotalsUpsertCte('charged')}
 *   select ...
 */
export function dailyTotalsUpsertCte(source: string, name = 'daily_totals'): string {
  return upsertCte(source, name, { calls: 'count(*)', weight: '' });
}

/**
 * Like dailyTotalsUpsertCte, for a `source` that also has a `sign` column: +1 for a charge that
 * became current, -1 for one that was superseded (a rerate). Adding the difference, rather than
 * rebuilding the rows, commutes with ingest adding to the same rows at the same time.
 */
export function dailyTotalsDeltaCte(source: string, name = 'daily_totals'): string {
  return upsertCte(source, name, { calls: 'sum(s.sign)', weight: 's.sign * ' });
}

function upsertCte(source: string, name: string, sums: { calls: string; weight: string }): string {
  return `${name} as (
  insert into charge_daily_totals (customer_account, local_date, access_type, zone, currency, calls, billed_seconds, amount)
  select s.customer_account,
         (s.call_start at time zone coalesce(cu.time_zone, 'UTC'))::date,
         s.access_type,
         s.zone,
         s.currency,
         ${sums.calls},
         sum(${sums.weight}s.billed_seconds)::bigint,
         sum(${sums.weight}s.amount)
  from ${source} s
  left join customers cu on cu.external_id = s.customer_account
  group by 1, 2, 3, 4, 5
  order by 1, 2, 3, 4, 5
  on conflict (customer_account, local_date, access_type, zone, currency) do update
    set calls = charge_daily_totals.calls + excluded.calls,
        billed_seconds = charge_daily_totals.billed_seconds + excluded.billed_seconds,
        amount = charge_daily_totals.amount + excluded.amount
)`;
}

/**
 * Rebuilds the daily totals of some customers from their current charges (for a
 * repair, or to fill the table in a benchmark): run both statements, in order, in one transaction.
 * Each takes one `?` binding: a JSON array of customer accounts.
 */
export const REBUILD_DAILY_TOTALS: readonly [string, string] = [
  `delete from charge_daily_totals t where t.customer_account in (select jsonb_array_elements_text(?::jsonb))`,
  `with fresh as (
  select c.customer_account, c.call_start, d.access_type, c.amount, c.currency, c.zone, c.billed_seconds
  from charges c join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
  where c.superseded_at is null and c.customer_account in (select jsonb_array_elements_text(?::jsonb))
),
${dailyTotalsUpsertCte('fresh')}
select 1`,
];
