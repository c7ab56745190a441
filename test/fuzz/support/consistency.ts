/**
 * Invariants of the stored data that must hold after any sequence of calls, however hostile: nothing
 * is half-stored. Each check returns the offending rows (empty when the invariant holds).
 */
import type { Database } from '../../../src/persistence/database';

async function rows(db: Database, sql: string): Promise<Record<string, unknown>[]> {
  const result = await db.orm.em.getKnex().raw<{ rows: Record<string, unknown>[] }>(sql);
  return result.rows;
}

/** A rated CDR has exactly one current charge (superseded_at is null); an unrated one has none. */
export function cdrsWithoutExactlyOneCurrentCharge(db: Database) {
  return rows(
    db,
    `select d.id::text, d.bridge_id, d.record_id, d.rating_status, count(c.id)::int as current_charges
     from cdrs d left join charges c on c.cdr_id = d.id and c.call_start = d.start_time and c.superseded_at is null
     group by d.id, d.start_time
     having count(c.id) <> case when d.rating_status = 'rated' then 1 else 0 end
     limit 20`,
  );
}

/** Current charges summed per customer and currency (all days) must equal the daily totals' sums. */
export function dailyTotalsDifferingFromChargesPerCustomer(db: Database) {
  return rows(
    db,
    `with charged as (
       select customer_account, currency, count(*)::bigint as calls, sum(amount) as amount
       from charges where superseded_at is null group by 1, 2),
     totals as (
       select customer_account, currency, sum(calls)::bigint as calls, sum(amount) as amount
       from charge_daily_totals group by 1, 2)
     select coalesce(c.customer_account, t.customer_account) as customer_account, coalesce(c.currency, t.currency) as currency,
            c.calls as charge_calls, t.calls as total_calls, c.amount::text as charge_amount, t.amount::text as total_amount
     from charged c full join totals t using (customer_account, currency)
     where c.calls is distinct from t.calls and not (c.calls is null and t.calls = 0)
        or c.amount is distinct from t.amount and not (c.amount is null and t.amount = 0)
     limit 20`,
  );
}

/**
 * The same per customer and local day (the call's start date in the customer's time zone). Only for
 * customers whose time zone never changed: a later change of zone leaves earlier days where they were.
 */
export function dailyTotalsDifferingFromChargesPerDay(db: Database) {
  return rows(
    db,
    `with steady as (
       select cu.external_id, cu.time_zone from customers cu
       where (select count(distinct v.snapshot->>'timeZone') from customer_versions v where v.customer_id = cu.id) <= 1),
     charged as (
       select c.customer_account, (c.call_start at time zone s.time_zone)::date as local_date, c.currency,
              count(*)::bigint as calls, sum(c.amount) as amount
       from charges c join steady s on s.external_id = c.customer_account
       where c.superseded_at is null group by 1, 2, 3),
     totals as (
       select t.customer_account, t.local_date, t.currency, sum(t.calls)::bigint as calls, sum(t.amount) as amount
       from charge_daily_totals t join steady s on s.external_id = t.customer_account group by 1, 2, 3)
     select coalesce(c.customer_account, t.customer_account) as customer_account, coalesce(c.local_date, t.local_date)::text as local_date,
            c.calls as charge_calls, t.calls as total_calls, c.amount::text as charge_amount, t.amount::text as total_amount
     from charged c full join totals t using (customer_account, local_date, currency)
     where c.calls is distinct from t.calls and not (c.calls is null and t.calls = 0)
        or c.amount is distinct from t.amount and not (c.amount is null and t.amount = 0)
     limit 20`,
  );
}

/**
 * Every invoice's totals follow from its lines (docs/invoicing.md): net = sum of line nets; VAT = per
 * (category, rate) the rounded taxable sum times the rate, rounded once half-up; gross = net + VAT.
 */
export function invoicesWhoseLinesDoNotSumToTotals(db: Database) {
  return rows(
    db,
    `with per_rate as (
       select invoice_id, round(sum(net_amount) * vat_rate / 100, 2) as vat
       from invoice_lines group by invoice_id, vat_category, vat_rate),
     sums as (
       select i.id, i.net_total, i.vat_total, i.gross_total,
              coalesce((select sum(l.net_amount) from invoice_lines l where l.invoice_id = i.id), 0) as lines_net,
              coalesce((select sum(p.vat) from per_rate p where p.invoice_id = i.id), 0) as lines_vat
       from invoices i)
     select id::text, net_total::text, lines_net::text, vat_total::text, lines_vat::text, gross_total::text
     from sums
     where net_total <> lines_net or vat_total <> lines_vat or gross_total <> net_total + vat_total
     limit 20`,
  );
}

/** Row counts, to show the run stored something worth checking. */
export async function storedCounts(db: Database) {
  const [counts] = await rows(
    db,
    `select (select count(*) from cdrs)::int as cdrs,
            (select count(*) from charges)::int as charges,
            (select count(*) from charges where superseded_at is not null)::int as superseded_charges,
            (select count(*) from invoices)::int as invoices,
            (select count(*) from bookings)::int as bookings,
            (select count(*) from customers)::int as customers`,
  );
  return counts as Record<
    'cdrs' | 'charges' | 'superseded_charges' | 'invoices' | 'bookings' | 'customers',
    number
  >;
}
