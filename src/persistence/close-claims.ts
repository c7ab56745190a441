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
 *   tombstone) makes the insert fail on that key (taken for the serialization failure it is), and
 *   the chunk is retried whole.
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
 * Where each won target's late charges are (its latest earlier closing: `late_cut`, its end, and
 * `late_floor`, the charge fence that closing stored), read first so that the claim statement can
 * be written with the chunk's bounds as constants (see claimChargesSql).
 */
const LATE_BOUNDS = `
select x.account, to_json(l.period_end) #>> '{}' as late_cut, l.charges_seen_through::text as late_floor
from jsonb_to_recordset(?::jsonb) as x(account text, period_start timestamptz)
left join lateral (
  select pc.period_end, pc.charges_seen_through from period_closings pc
  where pc.customer_account = x.account and pc.period_end <= x.period_start
  order by pc.period_end desc limit 1) l on true`;

const CANDIDATE_COLUMNS = `c.id, c.customer_account, c.cdr_id, c.call_start, c.amount, c.currency, c.zone, c.billed_seconds,
         c.parts, c.access_type, t.period_start, t.invoice_id`;

const UNCLAIMED = `not exists (select 1 from charge_claims k where k.charge_id = c.id)`;

/** What one claim statement covers, as constants the planner prunes partitions and ranges with. */
interface ClaimBounds {
  /** The union of the targets' periods. */
  periodFrom: Date;
  periodTo: Date;
  /** Over the targets with a fence: the lowest fence and the latest late cut; absent when none has one. */
  fenced?: { floor: string; cut: Date };
  /** Whether some target has an earlier closing without a fence (it reads its whole history). */
  unfenced: boolean;
}

const ts = (d: Date) => `'${d.toISOString()}'::timestamptz`;

/** A PostgreSQL array literal of these strings, for a `?::text[]` binding. */
function textArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * The charges of each won target: those of its period, plus unclaimed charges before the end of its
 * latest earlier closed period (late CDRs) and above the charge fence that close stored (below it,
 * that close claimed every current charge before its period's end). One statement inserts a claim
 * for each and sums them, reading each charge row once (a charge committed meanwhile is not in the
 * REPEATABLE READ snapshot, and becomes a late line of the next period). A claim this snapshot cannot
 * see (another closer's, a rerate's tombstone) makes the plain insert fail on the claims' key, and the
 * chunk is retried (claimedMeanwhile); `claimed` is checked against the charges summed all the same.
 *
 * Issue 14 (the close must not slow down as history grows): the per-target bounds come from a JSON
 * recordset, which the planner cannot see into, so the statement also carries the chunk's bounds
 * as constants. The period branch reads only the period's partitions, by the chunk's accounts (a
 * constant array, so the planner knows it reads about a chunk's charges: one bitmap scan, not one
 * index scan per account). The late branch reads each partition's key above the lowest fence
 * (charges_pkey starts with the id: one descent per partition, as below the fence are only charges
 * already claimed), not the customers' history. Without the constants the planner hashed every
 * partition of `charges`, twice per chunk, or probed every partition per customer. Targets whose
 * earlier closing stored no fence read their whole history, by customer.
 *
 * The CDRs are not read: a charge carries its call's access type (migration ChargeAccessType). Only
 * a charge stored without it (before that migration) looks its CDR up by key, and so does the
 * conference of a customer whose lines are grouped by conference (chargeRowColumns asks only then).
 */
function claimChargesSql(b: ClaimBounds): string {
  const branches = [
    `select ${CANDIDATE_COLUMNS}
  from charges c join t on c.customer_account = t.account
  where c.customer_account = any(?::text[]) and c.superseded_at is null
    and c.call_start >= ${ts(b.periodFrom)} and c.call_start < ${ts(b.periodTo)}
    and c.call_start >= t.period_start and c.call_start < t.period_end
    and ${UNCLAIMED}`,
  ];
  if (b.fenced)
    branches.push(`select ${CANDIDATE_COLUMNS}
  from charges c join t on c.customer_account = t.account
  where c.id > ${b.fenced.floor} and c.call_start < ${ts(b.fenced.cut)} and c.superseded_at is null
    and t.late_floor is not null and c.id > t.late_floor and c.call_start < t.late_cut
    and ${UNCLAIMED}`);
  if (b.unfenced)
    branches.push(`select ${CANDIDATE_COLUMNS}
  from t join charges c on c.customer_account = t.account and c.superseded_at is null
    and c.call_start < t.late_cut
  where t.late_cut is not null and t.late_floor is null and ${UNCLAIMED}`);
  return `
with t as (
  select * from jsonb_to_recordset(?::jsonb)
    as x(account text, period_start timestamptz, period_end timestamptz, invoice_id bigint,
         late_cut timestamptz, late_floor bigint)
),
candidates as materialized (
  ${branches.join('\n  union all\n  ')}
),
claimed as (
  insert into charge_claims (charge_id, invoice_id)
  select id, invoice_id from candidates order by id
  returning charge_id
),
rows as (
  select c.customer_account as account, ${chargeRowColumns('c.period_start')}
  from candidates c
  cross join lateral (
    select (select x.conference_id from cdrs x where x.id = c.cdr_id and x.start_time = c.call_start) as conference_id,
           coalesce(c.access_type, (select x.access_type from cdrs x where x.id = c.cdr_id and x.start_time = c.call_start)) as access_type
  ) d
  where d.access_type is not null
),
${chargeGroupsFrom('rows', '(select count(*) from claimed)::integer as claimed')}`;
}

/**
 * A claim committed by someone else after this snapshot (another closer's, a rerate's tombstone):
 * the plain INSERT of the claims fails on their key (unique_violation), which is the serialization
 * failure it stands for, so the whole chunk is retried with a fresh snapshot (retryOnConflict). A
 * plain INSERT and not ON CONFLICT DO NOTHING: the anti-join already leaves out every claim this
 * snapshot sees, and the speculative insertion cost a third more per claim (issue 14). This relies
 * on the claim statement naming each charge once: its branches (the period, late charges above a
 * fence, late charges of unfenced targets) never overlap, and there is one target row per account;
 * a duplicate from the statement itself would otherwise be retried as a conflict until it gives up.
 */
function claimedMeanwhile(error: unknown): Error | undefined {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return undefined;
  if (e.constraint !== 'charge_claims_pkey' && !String(e.message).includes('charge_claims_pkey'))
    return undefined;
  return Object.assign(new Error(`a charge of this chunk was claimed meanwhile (${e.message})`), {
    code: '40001',
    cause: error,
  });
}

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
  const lateRows = rowsOf<{ account: string; late_cut: string | null; late_floor: string | null }>(
    await trx.raw(LATE_BOUNDS, [
      JSON.stringify(
        claims.map(({ target }) => ({
          account: target.customer.account,
          period_start: target.period.start.toISOString(),
        })),
      ),
    ]),
  );
  const late = new Map(lateRows.map((r) => [r.account, r]));
  const targets = claims.map(({ target, invoiceId }) => {
    const l = late.get(target.customer.account);
    const cut = l?.late_cut ? new Date(l.late_cut) : undefined;
    const floor = cut && l?.late_floor != null ? BigInt(l.late_floor) : undefined;
    return { target, invoiceId, cut, floor };
  });
  const bounds: ClaimBounds = {
    periodFrom: new Date(Math.min(...claims.map((c) => c.target.period.start.getTime()))),
    periodTo: new Date(Math.max(...claims.map((c) => c.target.period.end.getTime()))),
    unfenced: targets.some((t) => t.cut && t.floor === undefined),
  };
  const fenced = targets.filter((t) => t.cut && t.floor !== undefined);
  if (fenced.length)
    bounds.fenced = {
      floor: fenced.reduce((m, t) => (t.floor! < m ? t.floor! : m), fenced[0]!.floor!).toString(),
      cut: new Date(Math.max(...fenced.map((t) => t.cut!.getTime()))),
    };
  // A constant array (not the JSON above), so that the planner knows how many accounts it reads.
  const accounts = textArray(claims.map((c) => c.target.customer.account));
  // The claims table may be empty or fresh, and statistics say so: probing its key per charge must
  // not turn into a scan of it per charge (a concurrent chunk fills it meanwhile). And the planner
  // cannot see how few groups a chunk's 100k charges make (the targets are a JSON recordset): left
  // alone it sorts them on a dozen keys (text ones by collation) where hashing them is cheaper.
  await trx.raw('set local enable_seqscan = off; set local enable_sort = off');
  let rows: (ChargeGroupRow & { claimed: number })[];
  try {
    rows = rowsOf<ChargeGroupRow & { claimed: number }>(
      await trx.raw(claimChargesSql(bounds), [
        JSON.stringify(
          targets.map(({ target, invoiceId, cut, floor }) => ({
            account: target.customer.account,
            period_start: target.period.start.toISOString(),
            period_end: target.period.end.toISOString(),
            invoice_id: invoiceId,
            late_cut: cut?.toISOString() ?? null,
            late_floor: floor?.toString() ?? null,
          })),
        ),
        accounts,
      ]),
    );
  } catch (error) {
    throw claimedMeanwhile(error) ?? error;
  }
  await trx.raw('set local enable_seqscan = on; set local enable_sort = on');
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
