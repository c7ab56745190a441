/**
 * npm run bench:growth [-- --charges N --customers N --big N --months N --history-charges N --history-big N
 *                          --ingest N --streams N]
 *
 * Do a close, running charges and ingest stay as fast once years of CDRs have piled up (issue 14:
 * within 1.2x of an empty history)? Runs the same three measurements twice, each on a fresh, migrated
 * database on the server named by DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres):
 *   1. empty history: nothing but the customers;
 *   2. with history: first MONTHS (default 12) closed months of HISTORY-CHARGES (default = CHARGES)
 *      charges over the same customers plus HISTORY-BIG (default = BIG) for the big customer, each
 *      month fully invoiced (issued invoices, every charge claimed), loaded with set-based SQL
 *      (./support/history-loader.ts), then VACUUM ANALYZE as autovacuum would have left it.
 * Each then loads the month after the history (October 2026): CHARGES (default 1,000,000) charges
 * over CUSTOMERS (default 10,000), and BIG (default 100,000) charges of one customer in the open
 * period (November; that customer has history too, but no October calls, as in bench:invoicing),
 * and measures, as bench:invoicing and bench:ingest do:
 *   - closing October for every customer (draft invoices, BILLING_CLOSE_PARALLELISM transactions at
 *     a time, default 2);
 *   - GetRunningCharges' use case for the big customer, p50/p99 over 1000 calls;
 *   - ingest: INGEST (default 200,000) CDRs over STREAMS (default 2) bridges into `billing serve` as
 *     its own process, for the first 1000 customers, in November: CDRs/s committed and acknowledged.
 * and prints both figures side by side with their ratio (cost with history / cost without).
 *
 * The databases are named BENCH_DB_empty and BENCH_DB_history (BENCH_DB default
 * billing_bench_growth_<random>); each is dropped after its measurements unless BENCH_KEEP_DB is set.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { adminQuery, percentile } from './bench-support';
import {
  BIG_ACCOUNT,
  customerAccount,
  databaseSize,
  insertCharges,
  invoicesOf,
  loadHistoryMonth,
  seedCustomers,
  TIME_ZONE,
  unclaimedCharges,
  type Period,
} from './support/history-loader';
import { startIngestService, streamCdrs } from './support/ingest-run';
import { FixedClock } from '../src/app/clock';
import { openBillingCore, type BillingCore } from '../src/compose/billing-core';
import { loadConfig } from '../src/config/config';
import { loadInvoicingConfig } from '../src/config/invoicing-config';
import { periodContaining } from '../src/domain/periods/index';
import { createLogger } from '../src/observability/logger';

const { values: flags } = parseArgs({
  options: {
    charges: { type: 'string' },
    customers: { type: 'string' },
    big: { type: 'string' },
    months: { type: 'string' },
    'history-charges': { type: 'string' },
    'history-big': { type: 'string' },
    ingest: { type: 'string' },
    streams: { type: 'string' },
  },
});

function count(name: string, value: string | undefined, fallback: number): number {
  const n = value === undefined ? fallback : Number(value.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${value}`);
  return n;
}

const charges = count('charges', flags.charges, 1_000_000);
const customers = Math.max(1, count('customers', flags.customers, 10_000));
const big = count('big', flags.big, 100_000);
const months = count('months', flags.months, 12);
const historyCharges = count('history-charges', flags['history-charges'], charges);
const historyBig = count('history-big', flags['history-big'], big);
const ingestCount = count('ingest', flags.ingest, 200_000);
const streams = Math.max(1, count('streams', flags.streams, 2));

const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbBase = process.env.BENCH_DB ?? `billing_bench_growth_${crypto.randomBytes(4).toString('hex')}`;
const admin = (sql: string) => adminQuery(serverUrl, sql);

/** The closed month measured, the open one after it, and the history before it (oldest first). */
const monthly = { timeZone: TIME_ZONE };
const closeMonth = periodContaining(new Date('2026-10-15T12:00:00Z'), monthly);
const openMonth = periodContaining(closeMonth.end, monthly);
const history: Period[] = [];
for (let p = closeMonth, i = 0; i < months; i++) {
  p = periodContaining(new Date(p.start.getTime() - 1), monthly);
  history.unshift(p);
}
const bridges = Array.from({ length: streams }, (_, s) => `bench-bridge-${s}`);
const ingestCustomers = Array.from({ length: Math.min(customers, 1000) }, (_, i) => customerAccount(i + 1));

/** What loading the history cost, for the summary under the table. */
let historyLoad = '';

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

interface Figures {
  closeMs: number;
  runningP50: number;
  runningP99: number;
  ingestPerSecond: number;
}

async function openCore(databaseUrl: string): Promise<BillingCore> {
  // Invoicing as the service builds it (billing core), with the shipped rule book for period pricing.
  return openBillingCore({
    config: loadConfig({
      DATABASE_URL: databaseUrl,
      BILLING_DATA_DIR: os.tmpdir(),
      BILLING_RULES_DIR: path.resolve(import.meta.dirname, '../rules'),
    }),
    logger: createLogger('warn'),
    clock: new FixedClock('2026-11-29T12:00:00Z'),
    invoicingConfig: loadInvoicingConfig({
      BILLING_CLOSE_PARALLELISM: process.env.BILLING_CLOSE_PARALLELISM,
    }),
    poolSize: 4,
  });
}

async function phase(label: string, withHistory: boolean): Promise<Figures> {
  const dbName = `${dbBase}_${withHistory ? 'history' : 'empty'}`;
  await admin(`create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  try {
    const core = await openCore(url.toString());
    let figures: Omit<Figures, 'ingestPerSecond'>;
    try {
      figures = await closeAndRunning(core, label, withHistory);
    } finally {
      await core.close();
    }
    const service = await startIngestService(url.toString());
    try {
      const run = await streamCdrs(service, {
        total: ingestCount,
        streams,
        customers: ingestCustomers,
        from: new Date('2026-11-01T00:00:00Z'),
        bridgeId: (s) => bridges[s]!,
      });
      console.log(
        `[${label}] ingest: ${thousands(run.cdrsPerSecond)} CDRs/s (${run.accepted} of ${ingestCount} accepted on ${streams} streams in ${run.seconds.toFixed(1)} s, service CPU ${run.cpuPerCdrUs.toFixed(0)} us/CDR)`,
      );
      return { ...figures, ingestPerSecond: run.cdrsPerSecond };
    } finally {
      await service.stop();
    }
  } finally {
    if (process.env.BENCH_KEEP_DB) console.log(`[${label}] kept database ${dbName}`);
    else await admin(`drop database if exists ${dbName} with (force)`);
  }
}

async function closeAndRunning(
  core: BillingCore,
  label: string,
  withHistory: boolean,
): Promise<Omit<Figures, 'ingestPerSecond'>> {
  const { invoicing } = core;
  const knex = core.database.orm.em.getKnex();
  await seedCustomers(knex, customers);

  if (withHistory) {
    const started = performance.now();
    let loaded = 0;
    for (const [i, period] of history.entries()) {
      const month = await loadHistoryMonth(knex, {
        period,
        charges: historyCharges,
        customers,
        big: historyBig,
        bridges,
      });
      loaded += month.charges;
      console.log(
        `[${label}] history ${i + 1}/${history.length} ${period.key}: ${month.charges} CDRs + charges in ${seconds(month.insertMs)}, ` +
          `${month.invoices} invoices (${month.lines} lines) issued and claimed in ${seconds(month.invoiceMs)}`,
      );
    }
    const loadMs = performance.now() - started;
    const t0 = performance.now();
    await knex.raw('vacuum analyze');
    historyLoad =
      `history load: ${loaded} charges over ${history.length} months in ${seconds(loadMs)} ` +
      `(${thousands(loaded / (loadMs / 1000))} charges/s); vacuum analyze ${seconds(performance.now() - t0)}; database ${await databaseSize(knex)}`;
    console.log(`[${label}] ${historyLoad}`);
  }

  let t0 = performance.now();
  await insertCharges(knex, {
    period: closeMonth,
    prefix: `m${closeMonth.key}`,
    count: charges,
    customers,
    bridges,
  });
  await insertCharges(knex, {
    period: openMonth,
    prefix: `big${openMonth.key}`,
    count: big,
    customers: BIG_ACCOUNT,
    bridges,
  });
  await knex.raw('analyze');
  console.log(
    `[${label}] load ${closeMonth.key}: ${charges} charges over ${customers} customers, ${big} for ${BIG_ACCOUNT} in ${openMonth.key}, in ${seconds(performance.now() - t0)}`,
  );

  t0 = performance.now();
  const closed = await invoicing.closePeriod({ periodContaining: new Date('2026-10-15T12:00:00Z') });
  const closeMs = performance.now() - t0;
  const made = await invoicesOf(knex, closeMonth.key);
  console.log(
    `[${label}] close ${closeMonth.key}: ${made.invoices} invoices (net ${made.net} SEK) in ${seconds(closeMs)}, ` +
      `${thousands(charges / (closeMs / 1000))} charges/s; skipped ${closed.skipped.length}; ` +
      `unclaimed charges before ${closeMonth.end.toISOString()}: ${await unclaimedCharges(knex, closeMonth.end)}`,
  );

  // Steady state for the query: let the close's writes settle (checkpoint, statistics), warm up.
  await knex.raw('checkpoint');
  await knex.raw('vacuum analyze');
  const asOf = new Date('2026-11-28T23:00:00Z');
  const first = await invoicing.getRunningCharges({ customerAccount: BIG_ACCOUNT, asOf });
  for (let i = 0; i < 100; i++) await invoicing.getRunningCharges({ customerAccount: BIG_ACCOUNT, asOf });
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const s = performance.now();
    await invoicing.getRunningCharges({ customerAccount: BIG_ACCOUNT, asOf });
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  const calls = first.breakdown.reduce((s, b) => s + b.calls, 0);
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  console.log(
    `[${label}] running charges of ${BIG_ACCOUNT} (${calls} charges, total ${first.totals.map((t) => `${t.amount} ${t.currency}`).join(', ')}): ` +
      `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
  );
  return { closeMs, runningP50: p50, runningP99: p99 };
}

function table(empty: Figures, grown: Figures): string {
  const historyLabel = `with ${months} x ${thousands(historyCharges + historyBig)} history`;
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  // Ratio = cost with history / cost without: time over time, and for a rate its inverse.
  const rows: [string, string, string, number][] = [
    [
      `close ${closeMonth.key} (${thousands(charges)} charges, ${thousands(customers)} customers)`,
      seconds(empty.closeMs),
      seconds(grown.closeMs),
      grown.closeMs / empty.closeMs,
    ],
    ['running charges p50', ms(empty.runningP50), ms(grown.runningP50), grown.runningP50 / empty.runningP50],
    ['running charges p99', ms(empty.runningP99), ms(grown.runningP99), grown.runningP99 / empty.runningP99],
    [
      `ingest (${thousands(ingestCount)} CDRs, ${streams} streams)`,
      `${thousands(empty.ingestPerSecond)} CDRs/s`,
      `${thousands(grown.ingestPerSecond)} CDRs/s`,
      empty.ingestPerSecond / grown.ingestPerSecond,
    ],
  ];
  const head = ['metric', 'empty history', historyLabel, 'ratio', 'goal <= 1.2x'];
  const body = rows.map(([metric, a, b, r]) => [
    metric,
    a,
    b,
    `${r.toFixed(2)}x`,
    r <= 1.2 ? 'met' : 'MISSED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main() {
  console.log(
    `bench:growth on ${serverUrl.replace(/\/\/[^@]*@/, '//')}: close ${closeMonth.key} of ${charges} charges / ${customers} customers, ` +
      `running charges of ${big} open charges, ingest of ${ingestCount} CDRs; history ${months} months x (${historyCharges} + ${historyBig} for ${BIG_ACCOUNT})`,
  );
  const empty = await phase('empty', false);
  const grown = await phase('history', true);
  console.log(`\n${table(empty, grown)}`);
  console.log(
    'ratio: cost with history / cost on an empty history (for ingest, the rate without over the rate with)',
  );
}

await main();
