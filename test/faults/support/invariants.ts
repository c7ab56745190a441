/**
 * What must hold in the database after any crash of the service, checked with plain SQL (not
 * through the service, which might hide a broken row). All queries run in one REPEATABLE READ
 * snapshot, so a check made while the restarted service keeps working sees one committed state.
 *
 * Each check returns the rows that break it, described in words; an empty list means it holds.
 */
import pg from 'pg';
import { parseInvoiceNumber } from '../../../src/domain/invoicing/numbering';

/** Each invariant in words, as the fault report shows it; the checks below say exactly what is compared. */
export const INVARIANTS = {
  cdrsOnce: 'each CDR stored once',
  oneCurrentCharge: 'one current charge per rated CDR, none per unrated',
  dailyTotals: 'daily totals = sum of current charges',
  oneInvoicePerPeriod: 'one invoice per customer and period',
  gaplessNumbers: 'numbers gapless per series and year',
  noHalfBuiltDocument: 'no half-built invoice (lines = totals, claims have their invoice)',
} as const;

type Query = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

const CHECKS: Record<keyof typeof INVARIANTS, (q: Query) => Promise<string[]>> = {
  async cdrsOnce(q) {
    const rows = await q<{ key: string; n: number }>(
      `select bridge_id || '/' || record_id as key, count(*)::int as n from cdrs group by bridge_id, record_id having count(*) > 1 limit 20`,
    );
    return rows.map((r) => `CDR ${r.key} stored ${r.n} times`);
  },

  async oneCurrentCharge(q) {
    const rows = await q<{ key: string; rating_status: string; n: number }>(
      `select d.bridge_id || '/' || d.record_id as key, d.rating_status, count(c.id)::int as n
       from cdrs d left join charges c on c.cdr_id = d.id and c.call_start = d.start_time and c.superseded_at is null
       group by d.id, d.start_time
       having (d.rating_status = 'rated' and count(c.id) <> 1) or (d.rating_status <> 'rated' and count(c.id) > 0)
       limit 20`,
    );
    return rows.map((r) => `${r.rating_status} CDR ${r.key} has ${r.n} current charges`);
  },

  // Derived as REBUILD_DAILY_TOTALS derives them (src/persistence/daily-totals-sql.ts). A row that a
  // rerate brought back to zero is the same as no row.
  async dailyTotals(q) {
    const rows = await q<{ key: string; expected: string; stored: string }>(
      `with expected as (
         select c.customer_account, (c.call_start at time zone coalesce(cu.time_zone, 'UTC'))::date as local_date, d.access_type,
                c.zone, c.currency, count(*)::bigint as calls,
                sum(c.billed_seconds)::bigint as billed_seconds, sum(c.amount) as amount
         from charges c join cdrs d on d.id = c.cdr_id left join customers cu on cu.external_id = c.customer_account
         where c.superseded_at is null
         group by 1, 2, 3, 4, 5
       )
       select concat_ws(' ', customer_account, local_date, access_type, nullif(zone, ''), currency) as key,
              concat_ws(' / ', e.calls, e.billed_seconds, e.amount) as expected, concat_ws(' / ', t.calls, t.billed_seconds, t.amount) as stored
       from expected e full join charge_daily_totals t using (customer_account, local_date, access_type, zone, currency)
       where coalesce(e.calls, 0) <> coalesce(t.calls, 0) or coalesce(e.amount, 0) <> coalesce(t.amount, 0)
          or coalesce(e.billed_seconds, 0) <> coalesce(t.billed_seconds, 0)
       limit 20`,
    );
    return rows.map(
      (r) =>
        `daily total ${r.key}: calls / billed seconds / amount ${r.stored || 'absent'}, charges say ${r.expected || 'none'}`,
    );
  },

  async oneInvoicePerPeriod(q) {
    const rows = await q<{ customer_account: string; period_key: string; n: number }>(
      `select customer_account, period_key, count(*)::int as n from invoices
       where kind = 'INVOICE' and supplements_invoice_id is null group by 1, 2 having count(*) > 1 limit 20`,
    );
    return rows.map((r) => `${r.n} invoices for ${r.customer_account} ${r.period_key}`);
  },

  async gaplessNumbers(q) {
    const issued = await q<{ number: string }>(`select number from invoices where number is not null`);
    const counters = await q<{ series: string; year: number; last_number: string }>(
      `select series, year, last_number::text from invoice_counters`,
    );
    const seqs = new Map<string, number[]>();
    const problems: string[] = [];
    for (const { number } of issued) {
      try {
        const { series, year, seq } = parseInvoiceNumber(number);
        seqs.set(`${series}-${year}`, [...(seqs.get(`${series}-${year}`) ?? []), seq]);
      } catch {
        problems.push(`unparsable number ${number}`);
      }
    }
    for (const [key, list] of seqs) {
      list.sort((a, b) => a - b);
      const gaps = list.filter((seq, i) => seq !== i + 1);
      if (gaps.length)
        problems.push(
          `series ${key}: ${list.length} numbers, first out of place ${gaps[0]} (duplicate or gap)`,
        );
    }
    // A counter ahead of its last invoice means the next number leaves a gap.
    for (const c of counters) {
      const count = seqs.get(`${c.series}-${c.year}`)?.length ?? 0;
      if (Number(c.last_number) !== count)
        problems.push(`counter ${c.series}-${c.year} at ${c.last_number}, ${count} numbers issued`);
    }
    return problems;
  },

  async noHalfBuiltDocument(q) {
    const totals = await q<{
      id: string;
      kind: string;
      status: string;
      lines: number;
      net_total: string;
      line_net: string;
      vat_total: string;
      gross_total: string;
      breakdown_vat: string;
    }>(
      `select i.id::text, i.kind, i.status, count(l.line_no)::int as lines, i.net_total::text, coalesce(sum(l.net_amount), 0)::text as line_net,
              i.vat_total::text, i.gross_total::text,
              (select coalesce(sum((e->>'vatAmount')::numeric), 0) from jsonb_array_elements(i.vat_breakdown) e)::text as breakdown_vat
       from invoices i left join invoice_lines l on l.invoice_id = i.id
       group by i.id
       having count(l.line_no) = 0 or i.net_total <> coalesce(sum(l.net_amount), 0) or i.gross_total <> i.net_total + i.vat_total
           or i.vat_total <> (select coalesce(sum((e->>'vatAmount')::numeric), 0) from jsonb_array_elements(i.vat_breakdown) e)
       limit 20`,
    );
    const perRate = await q<{ id: string; rate: string; lines: string | null; breakdown: string | null }>(
      `with l as (select invoice_id, vat_category, vat_rate, sum(net_amount) as taxable from invoice_lines group by 1, 2, 3),
            b as (select i.id as invoice_id, e->>'vatCategory' as vat_category, (e->>'vatRate')::numeric as vat_rate,
                         (e->>'taxableAmount')::numeric as taxable
                  from invoices i, jsonb_array_elements(i.vat_breakdown) e)
       select invoice_id::text as id, vat_category || ' ' || vat_rate as rate, l.taxable::text as lines, b.taxable::text as breakdown
       from l full join b using (invoice_id, vat_category, vat_rate)
       where l.taxable is distinct from b.taxable limit 20`,
    );
    const orphans = await q<{ invoice_id: string; n: number }>(
      `select k.invoice_id::text, count(*)::int as n from charge_claims k
       where k.invoice_id is not null and not exists (select 1 from invoices i where i.id = k.invoice_id)
       group by k.invoice_id limit 20`,
    );
    const unclosed = await q<{ id: string; customer_account: string; period_key: string }>(
      `select i.id::text, i.customer_account, i.period_key from invoices i
       where i.kind = 'INVOICE' and i.supplements_invoice_id is null
         and not exists (select 1 from period_closings p where p.customer_account = i.customer_account and p.period_key = i.period_key)
       limit 20`,
    );
    return [
      ...totals.map(
        (r) =>
          `${r.status} ${r.kind} ${r.id}: ${r.lines} lines summing to ${r.line_net}, net ${r.net_total}, VAT ${r.vat_total} (breakdown ${r.breakdown_vat}), gross ${r.gross_total}`,
      ),
      ...perRate.map(
        (r) =>
          `invoice ${r.id} VAT ${r.rate}: lines taxable ${r.lines ?? 'none'}, breakdown ${r.breakdown ?? 'none'}`,
      ),
      ...orphans.map((r) => `${r.n} charges claimed by invoice ${r.invoice_id}, which does not exist`),
      ...unclosed.map(
        (r) => `invoice ${r.id} of ${r.customer_account} ${r.period_key} without its period closing`,
      ),
    ];
  },
};

export interface InvariantReport {
  /** The invariants checked, in words (for the fault report). */
  checked: string[];
  /** Every violation found, prefixed with its invariant; empty when all hold. */
  violations: string[];
}

/** Checks every invariant in one snapshot of the database. */
export async function checkInvariants(databaseUrl: string): Promise<InvariantReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('begin transaction isolation level repeatable read read only');
    const q: Query = async <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) =>
      (await client.query<R>(sql, params)).rows;
    const violations: string[] = [];
    for (const [key, check] of Object.entries(CHECKS) as [
      keyof typeof INVARIANTS,
      (q: Query) => Promise<string[]>,
    ][]) {
      violations.push(...(await check(q)).map((v) => `${INVARIANTS[key]}: ${v}`));
    }
    await client.query('commit');
    return { checked: Object.values(INVARIANTS), violations };
  } finally {
    await client.end();
  }
}

export interface WatcherComparison {
  /** Events of the bridge in the outbox that the watcher never received. */
  missing: string[];
  /** Cursors the watcher received more than once. */
  repeated: string[];
  /** The watcher's cursors are not strictly increasing. */
  outOfOrder: boolean;
  stored: number;
  /** Missing events at or below the last cursor received: the watcher skipped them, it does not merely lag. */
  gaps: string[];
}

/** Compares the cursors a watcher received (in order, across reconnects) with the bridge's outbox rows. */
export async function compareWatcher(
  databaseUrl: string,
  bridgeId: string,
  received: readonly string[],
): Promise<WatcherComparison> {
  // What the watcher holds now, taken before the outbox is read: the watcher keeps receiving while
  // this runs, and a cursor received after the read would turn events it merely lagged on into gaps.
  const snapshot = [...received];
  const last = BigInt(snapshot.at(-1) ?? '0');
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const stored = (
      await client.query<{ id: string }>(
        `select id::text from booking_events where bridge_id = $1 order by id`,
        [bridgeId],
      )
    ).rows.map((r) => r.id);
    const seen = new Set<string>();
    const repeated: string[] = [];
    for (const cursor of snapshot) {
      if (seen.has(cursor)) repeated.push(cursor);
      seen.add(cursor);
    }
    const outOfOrder = snapshot.some((cursor, i) => i > 0 && BigInt(cursor) <= BigInt(snapshot[i - 1]!));
    const missing = stored.filter((id) => !seen.has(id));
    const gaps = missing.filter((id) => BigInt(id) <= last);
    return { missing, repeated, outOfOrder, stored: stored.length, gaps };
  } finally {
    await client.end();
  }
}
