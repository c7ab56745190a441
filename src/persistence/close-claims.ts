/**
 * What a closing transaction claims (hand-written SQL: closing claims the charges of 1000 customers
 * per statement, which an ORM's unit of work cannot do in bulk):
 * - periods: period_closings' primary key (customer, period) is claimed with INSERT ... ON CONFLICT
 *   DO NOTHING; a concurrent closer of the same period blocks on the uncommitted row and then skips
 *   it. The unique index invoices_one_per_period backs it up.
 * - charges: one narrow row each in charge_claims (charge id -> invoice id), inserted by the same
 *   statement that sums them, so exactly the charges on the invoice are claimed and the wide charge
 *   rows are never rewritten (a charge stored meanwhile stays unclaimed and becomes a late line of
 *   the next period). The claims' primary key is what makes a charge invoiced at most once: under
 *   REPEATABLE READ a claim row committed by anyone after this snapshot (another closer, a rerate's
 *   tombstone) makes the insert fail with a serialization error, and the chunk is retried whole.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { ClaimedTarget } from '../app/invoicing/close-ports';
import type { ChargeGroup, CloseTarget } from '../app/invoicing/ports';
import { chargeGroupsFrom, chargeRowColumns, toChargeGroup, type ChargeGroupRow } from './charge-groups-sql';
import { rowsOf } from './sql-helpers';

/**
 * A closing stores the charge fence (charge-fence.ts) only when the customer's latest earlier
 * closing ends where this period starts: then this close claims every current charge below the
 * fence before its period's end (its period, and the late ones after that closing). After a gap (a
 * period never closed, a first close of a customer with older charges, an earlier period closing
 * at the same time and not yet visible) it stores NULL, and the next close reads everything.
 */
const CLAIM_PERIODS = `
insert into period_closings (customer_account, period_key, period_start, period_end, charges_seen_through)
select account, period_key, period_start, period_end,
       case when (select max(pc.period_end) from period_closings pc
                  where pc.customer_account = x.account and pc.period_end <= x.period_start) = x.period_start
            then ?::bigint end
from jsonb_to_recordset(?::jsonb) as x(account text, period_key text, period_start timestamptz, period_end timestamptz)
order by account, period_key
on conflict (customer_account, period_key) do nothing
returning customer_account, period_key`;

/**
 * The charges of each won target: those of the period, plus unclaimed charges before the end of the
 * latest earlier closed period (late CDRs) and above the charge fence that close stored. CLAIM_CHARGES inserts a claim for each and sums them in
 * one statement, reading each charge row once (a charge committed meanwhile is not in the REPEATABLE
 * READ snapshot, and becomes a late line of the next period). A claim this snapshot cannot see
 * (another closer's, a rerate's tombstone) makes the insert fail with a serialization error (ON
 * CONFLICT under REPEATABLE READ) and the chunk is retried; `claimed` is checked against the charges
 * summed all the same.
 */
const TARGETS = `
t as (
  select x.*, coalesce(l.period_end, '-infinity') as late_cut, coalesce(l.charges_seen_through, 0) as late_floor
  from jsonb_to_recordset(?::jsonb) as x(account text, period_start timestamptz, period_end timestamptz, invoice_id bigint)
  left join lateral (
    select pc.period_end, pc.charges_seen_through from period_closings pc
    where pc.customer_account = x.account and pc.period_end <= x.period_start
    order by pc.period_end desc limit 1) l on true
)`;

/**
 * The period's charges by (customer, call start); the late ones by (customer, id) above the fence
 * the latest earlier close stored (charge-fence.ts): below it, that close claimed every current
 * charge before its period's end. Two branches, so each reads its own index and a customer's
 * older months are never read.
 */
const CANDIDATE_COLUMNS = `c.id, c.customer_account, c.cdr_id, c.call_start, c.amount, c.currency, c.zone, c.billed_seconds,
         c.parts, t.period_start, t.invoice_id`;

const CLAIM_CHARGES = `
with ${TARGETS},
candidates as materialized (
  select ${CANDIDATE_COLUMNS}
  from t join charges c on c.customer_account = t.account and c.superseded_at is null
    and c.call_start >= t.period_start and c.call_start < t.period_end
  where not exists (select 1 from charge_claims k where k.charge_id = c.id)
  union all
  select ${CANDIDATE_COLUMNS}
  from t join charges c on c.customer_account = t.account and c.superseded_at is null
    and c.id > t.late_floor and c.call_start < t.late_cut
  where not exists (select 1 from charge_claims k where k.charge_id = c.id)
),
claimed as (
  insert into charge_claims (charge_id, invoice_id)
  select id, invoice_id from candidates order by id
  on conflict (charge_id) do nothing
  returning charge_id
),
rows as (
  select c.customer_account as account, ${chargeRowColumns('c.period_start')}
  from candidates c join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
),
${chargeGroupsFrom('rows', '(select count(*) from claimed)::integer as claimed')}`;

/** Claims the periods (in key order, so two closers never deadlock): the accounts whose period was won. */
export async function claimPeriods(
  trx: Knex.Transaction,
  targets: CloseTarget[],
  fence: string,
): Promise<Set<string>> {
  const rows = rowsOf<{ customer_account: string; period_key: string }>(
    await trx.raw(CLAIM_PERIODS, [
      fence,
      JSON.stringify(
        targets.map((t) => ({
          account: t.customer.account,
          period_key: t.period.key,
          period_start: t.period.start.toISOString(),
          period_end: t.period.end.toISOString(),
        })),
      ),
    ]),
  );
  return new Set(rows.map((r) => r.customer_account));
}

/** Marks and sums the claimed targets' charges, by account. */
export async function claimCharges(
  trx: Knex.Transaction,
  claims: ClaimedTarget[],
): Promise<Map<string, ChargeGroup[]>> {
  const groups = new Map<string, ChargeGroup[]>();
  if (!claims.length) return groups;
  // The claims table may be empty or fresh, and statistics say so: probing its key per charge must
  // not turn into a scan of it per charge (a concurrent chunk fills it meanwhile).
  await trx.raw('set local enable_seqscan = off');
  const rows = rowsOf<ChargeGroupRow & { claimed: number }>(
    await trx.raw(CLAIM_CHARGES, [
      JSON.stringify(
        claims.map(({ target, invoiceId }) => ({
          account: target.customer.account,
          period_start: target.period.start.toISOString(),
          period_end: target.period.end.toISOString(),
          invoice_id: invoiceId,
        })),
      ),
    ]),
  );
  await trx.raw('set local enable_seqscan = on');
  const summed = rows.reduce((n, r) => n + r.calls, 0);
  if (rows.length && rows[0]!.claimed !== summed)
    throw new Error(`closing claimed ${rows[0]!.claimed} charges but summed ${summed}`);
  for (const r of rows) {
    const list = groups.get(r.account) ?? [];
    list.push(toChargeGroup(r));
    groups.set(r.account, list);
  }
  return groups;
}

/** The invoice of each of these (already closed) periods that has one, by account. */
export async function invoicesOfPeriods(
  trx: Knex.Transaction,
  targets: CloseTarget[],
): Promise<Map<string, string>> {
  const rows = rowsOf<{ customer_account: string; period_key: string; id: string }>(
    await trx.raw(
      `select i.customer_account, i.period_key, i.id::text from invoices i
       join jsonb_to_recordset(?::jsonb) as x(account text, period_key text) on i.customer_account = x.account and i.period_key = x.period_key
       where i.kind = 'INVOICE' and i.supplements_invoice_id is null`,
      [JSON.stringify(targets.map((t) => ({ account: t.customer.account, period_key: t.period.key })))],
    ),
  );
  return new Map(rows.map((r) => [r.customer_account, r.id]));
}
