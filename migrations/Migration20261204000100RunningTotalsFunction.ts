import { Migration } from '@mikro-orm/migrations';

/**
 * Running charges' query as a PL/pgSQL function, for its cached plan: planning the statement (a
 * union of the daily totals and today's charges joined to their CDRs) took 1.3 ms, three times
 * its execution, on every GetRunningCharges call. Same rows as the statement it replaces
 * (src/persistence/invoice-store.ts): whole local days from the daily totals, the day of `until`
 * from its current charges, summed per access type, zone and currency; numbers as text.
 */
export class Migration20261204000100RunningTotalsFunction extends Migration {
  override up(): void {
    this.addSql(`
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
          from charges c join cdrs d on d.id = c.cdr_id
          where c.customer_account = p_account and c.superseded_at is null
            and c.call_start >= p_day_start and c.call_start < p_until
          group by 1, 2, 3
        ) p
        group by p.access_type, p.zone, p.currency
        order by p.access_type, p.zone, p.currency;
      end $$`);
  }

  override down(): void {
    this.addSql('drop function billing_running_totals(text, date, date, timestamptz, timestamptz)');
  }
}
