/**
 * npm run bench:invoicing [-- CHARGES CUSTOMERS BIG]
 *
 * On PostgreSQL (DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres; the bench
 * creates and drops its own database there, named BENCH_DB if set):
 *   - CHARGES (default 1,000,000) rated CDRs with their charges in October 2026 over CUSTOMERS
 *     (default 10,000) customers, inserted with set-based SQL, and the daily totals built from them
 *     with the same upsert ingest uses;
 *   - one more customer with BIG (default 100,000) charges in the open period (November 2026);
 * then prints the time to close October for every customer (draft invoices, one transaction per 1000
 * customers, BILLING_CLOSE_PARALLELISM at a time, default 2), invoices per second, and GetRunningCharges' query for the big customer, p50/p99 over
 * 1000 calls.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { adminQuery, percentile } from './bench-support';
import { FixedClock } from '../src/app/clock';
import { openBillingCore } from '../src/compose/billing-core';
import { loadConfig } from '../src/config/config';
import { loadInvoicingConfig } from '../src/config/invoicing-config';
import { createLogger } from '../src/observability/logger';
import { dailyTotalsUpsertCte } from '../src/persistence/daily-totals-sql';
import { rowsOf } from '../src/persistence/sql-helpers';

const charges = Number(process.argv[2] ?? 1_000_000);
const customers = Number(process.argv[3] ?? 10_000);
const big = Number(process.argv[4] ?? 100_000);
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
// BENCH_DB names the database (a shared server may ask each user for its own prefix).
const dbName = process.env.BENCH_DB ?? `billing_bench_inv_${crypto.randomBytes(4).toString('hex')}`;

const admin = (sql: string) => adminQuery(serverUrl, sql);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Rated CDRs + charges, set-based: customer = (g + offset) % n, four access types, 37 conferences, spread over [from, from + days). */
function insertRows(
  prefix: string,
  offset: number,
  count: number,
  account: string,
  from: string,
  days: number,
): string {
  return `
with keyed as (
  insert into cdr_keys (bridge_id, record_id, fingerprint, start_time)
  select 'bench', '${prefix}-' || g, md5('${prefix}' || g),
         '${from}'::timestamptz + ((g * 7919) % (${days} * 86400)) * interval '1 second'
  from generate_series(1, ${count}) g
),
ins as (
  insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time, end_time,
                    duration_seconds, rating_status)
  select 'bench', '${prefix}-' || g, md5('${prefix}' || g), 'conf-' || (((g + ${offset}) / ${customers} / 4) % 37), ${account},
         (array['local_dial_in','toll_free_dial_in','dial_out','web'])[1 + ((g + ${offset}) / ${customers}) % 4],
         '${from}'::timestamptz + ((g * 7919) % (${days} * 86400)) * interval '1 second',
         '${from}'::timestamptz + ((g * 7919) % (${days} * 86400) + 60 + g % 1800) * interval '1 second',
         60 + g % 1800, 'rated'
  from generate_series(1, ${count}) g
  returning id, customer_account, access_type, start_time, duration_seconds
)
insert into charges (cdr_id, customer_account, call_start, access_type, amount, currency, rule_set_hash, fired_rules, zone, billed_seconds, parts, explanation)
select id, customer_account, start_time, access_type, round(duration_seconds * 0.0015, 2), 'SEK', 'bench', '{}',
       case when access_type = 'dial_out' then 'SE-mobile' else '' end, duration_seconds,
       -- as rating records it: the call's seconds at 0.09 per 60 s
       jsonb_build_array(jsonb_build_object('kind', 'usage', 'quantity', duration_seconds::text, 'unitCode', 'SEC',
                                            'price', '0.09', 'baseQuantity', '60')),
       jsonb_build_object('zone', case when access_type = 'dial_out' then 'SE-mobile' else '' end,
                          'bands', jsonb_build_array(jsonb_build_object('name', 'peak', 'seconds', duration_seconds,
                                                                        'billedSeconds', duration_seconds, 'rate', '0.09', 'amount', '0')))
from ins`;
}

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const config = loadInvoicingConfig({ BILLING_CLOSE_PARALLELISM: process.env.BILLING_CLOSE_PARALLELISM });
  // Invoicing as the service builds it (billing core), with the shipped rule book for period pricing.
  const core = await openBillingCore({
    config: loadConfig({
      DATABASE_URL: url.toString(),
      BILLING_DATA_DIR: os.tmpdir(),
      BILLING_RULES_DIR: path.resolve(import.meta.dirname, '../rules'),
    }),
    logger: createLogger('warn'),
    clock: new FixedClock('2026-11-29T12:00:00Z'),
    invoicingConfig: config,
    poolSize: 4,
  });
  const { database, invoicing } = core;
  try {
    const knex = database.orm.em.getKnex();
    console.log(
      `bench:invoicing on ${serverUrl.replace(/\/\/[^@]*@/, '//')}: ${charges} charges over ${customers} customers, ${big} for one customer in the open period`,
    );

    let t0 = performance.now();
    await knex.raw(
      `insert into rule_sets (hash, name, version, effective_from, currency, files) values ('bench', 'bench', '1', '2026-01-01', 'SEK', '[]')`,
    );
    await knex.raw(
      `insert into customers (external_id, name, currency, time_zone, country_code, address)
       select 'C' || lpad(g::text, 6, '0'), 'Customer ' || g || ' AB', 'SEK', 'Europe/Stockholm', 'SE',
              jsonb_build_object('lines', jsonb_build_array('Gatan ' || g), 'postalCode', '111 22', 'city', 'Stockholm', 'countryCode', 'SE')
       from generate_series(1, ${customers}) g`,
    );
    await knex.raw(
      `insert into customers (external_id, name, currency, time_zone, country_code) values ('BIG', 'Big Customer AB', 'SEK', 'Europe/Stockholm', 'SE')`,
    );
    // The months' partitions first, as the CDR store creates them before a batch.
    await knex.raw(`select billing_ensure_month_partitions('2026-09-30T22:00:00Z', '2026-11-30T23:00:00Z')`);
    const step = 200_000;
    for (let done = 0; done < charges; done += step) {
      const n = Math.min(step, charges - done);
      await knex.raw(
        insertRows(
          `oct${done}`,
          done,
          n,
          `'C' || lpad((1 + (g + ${done}) % ${customers})::text, 6, '0')`,
          '2026-09-30T22:00:00Z',
          31,
        ),
      );
    }
    await knex.raw(insertRows('big', 0, big, `'BIG'`, '2026-10-31T23:00:00Z', 28));
    const loadMs = performance.now() - t0;
    t0 = performance.now();
    await knex.raw(`
      with fresh as (
        select c.customer_account, c.call_start, d.access_type, c.amount, c.currency, c.zone, c.billed_seconds
        from charges c join cdrs d on d.id = c.cdr_id
      ),
      ${dailyTotalsUpsertCte('fresh')}
      select 1`);
    const totalsMs = performance.now() - t0;
    await knex.raw('analyze');
    const [totalRows] = rowsOf<{ n: number }>(
      await knex.raw(`select count(*)::int as n from charge_daily_totals`),
    );
    console.log(
      `load: ${charges + big} CDRs + charges in ${seconds(loadMs)}; daily totals (${totalRows?.n} rows) in ${seconds(totalsMs)}`,
    );

    t0 = performance.now();
    const closed = await invoicing.closePeriod({ periodContaining: new Date('2026-10-15T12:00:00Z') });
    const closeMs = performance.now() - t0;
    const [invoiceCount = { n: 0, net: '0' }] = rowsOf<{ n: number; net: string }>(
      await knex.raw(`select count(*)::int as n, sum(net_total)::text as net from invoices`),
    );
    const [lines] = rowsOf<{ n: number }>(await knex.raw(`select count(*)::int as n from invoice_lines`));
    const [uninvoiced] = rowsOf<{ n: number }>(
      await knex.raw(
        `select count(*)::int as n from charges c where call_start < '2026-10-31T23:00:00Z' and not exists (select 1 from charge_claims k where k.charge_id = c.id)`,
      ),
    );
    console.log(
      `close October (${config.closeParallelism} transactions at a time): ${invoiceCount.n} invoices (${lines?.n} lines, net ${invoiceCount.net} SEK) in ${seconds(closeMs)} = ${Math.round(invoiceCount.n / (closeMs / 1000))} invoices/s, ` +
        `${Math.round(charges / (closeMs / 1000))} charges/s; skipped ${closed.skipped.length}; uninvoiced October charges left: ${uninvoiced?.n}`,
    );
    t0 = performance.now();
    const again = await invoicing.closePeriod({ periodContaining: new Date('2026-10-15T12:00:00Z') });
    console.log(
      `close October again (idempotent): ${again.invoices.length} invoices, in ${seconds(performance.now() - t0)}`,
    );

    // Steady state for the query: let the close's writes settle (checkpoint, statistics), warm up.
    await knex.raw('checkpoint');
    await knex.raw('vacuum analyze');
    const asOf = new Date('2026-11-28T23:00:00Z');
    const first = await invoicing.getRunningCharges({ customerAccount: 'BIG', asOf });
    for (let i = 0; i < 100; i++) await invoicing.getRunningCharges({ customerAccount: 'BIG', asOf });
    const times: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const s = performance.now();
      await invoicing.getRunningCharges({ customerAccount: 'BIG', asOf });
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    const rows = first.breakdown.reduce((s, b) => s + b.calls, 0);
    console.log(
      `running charges of BIG (${rows} charges, total ${first.totals.map((t) => `${t.amount} ${t.currency}`).join(', ')}): ` +
        `p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (use case: customer + daily totals + unrated count)`,
    );
  } finally {
    await core.close();
    if (process.env.BENCH_KEEP_DB) console.log(`kept database ${dbName}`);
    else await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
