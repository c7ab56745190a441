/**
 * npm run bench:ingest-writes [-- ROWS]
 *
 * What each write of the ingest statement (src/persistence/cdr-store.ts) costs the database, without
 * the service: on a freshly migrated database (the schema as shipped: indexes, partitions, fill
 * factors), ROWS (default 100,000) rows generated in SQL are written in statements of 500 rows (a
 * stream's batch), each part on its own, three rounds, the median printed:
 *   - baseline: a plain INSERT into a table of the CDRs' shape and indexes (`like cdrs including all`);
 *   - the dedup key (`cdr_keys`), the CDR (`cdrs`, into its month), the charge (`charges`), and the
 *     daily-totals upsert (`charge_daily_totals`, one row per customer and day already there, as in
 *     a running month);
 * and their sum against the baseline: the most ingest can reach, as a share of a plain insert, with
 * these writes. Then the design not built yet, measured the same way: one row per CDR, the CDR
 * carrying its first charge's columns (a copy of `cdrs`, partitioned and indexed alike, with the
 * charge's columns and the (customer, id) index the close reads late charges by), so that ingest
 * writes the key, that row and the totals. DATABASE_URL names the server (default
 * postgresql://postgres@127.0.0.1:5432/postgres); the bench creates and drops its own database
 * (BENCH_DB names it).
 */
import crypto from 'node:crypto';
import { adminQuery } from './bench-support';
import { openDatabase } from '../src/persistence/database';
import { dailyTotalsUpsertCte } from '../src/persistence/daily-totals-sql';
import { rowsOf } from '../src/persistence/sql-helpers';
import type { Knex } from '@mikro-orm/postgresql';

const rows = Number(process.argv[2] ?? 100_000);
/** Rows a statement writes: a batch of a bridge's stream, as the service writes it. */
const BATCH = 500;
const ROUNDS = 3;
const CUSTOMERS = 1000;
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = process.env.BENCH_DB ?? `billing_bench_writes_${crypto.randomBytes(4).toString('hex')}`;

/** Rows g in [from, to) of round r: a distinct key, one of CUSTOMERS customers, a start in November 2026. */
const cdrValues = (r: number, from: number, to: number) => `
  select 'bench' as bridge_id, 'r${r}-' || g as record_id, md5(g::text) as fingerprint, 'conf-' || (g % 37) as conference_id,
         'CUST-' || (g % ${CUSTOMERS}) as customer_account, 'dial_out' as access_type,
         '2026-11-01Z'::timestamptz + ((g * 7919) % (29 * 86400)) * interval '1 second' as start_time,
         '2026-11-01Z'::timestamptz + ((g * 7919) % (29 * 86400) + 600) * interval '1 second' as end_time,
         600 as duration_seconds, 'rated' as rating_status, g
  from generate_series(${from}, ${to - 1}) g`;

const CDR_COLUMNS = `bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time,
  end_time, duration_seconds, rating_status`;

/** The same rows into `table`: the CDRs' partitioned table, or the baseline's plain copy of it. */
const insertCdrs = (table: string, r: number, from: number, to: number) => `
  insert into ${table} (${CDR_COLUMNS}) select ${CDR_COLUMNS} from (${cdrValues(r, from, to)}) v`;

/** The charge's columns, as the ingest statement writes them, for rows of cdrValues. */
const CHARGE_VALUES = `1.25, 'EUR', 'bench', '{peak,dial-out}', '{"contract":null,"tz":"Europe/Stockholm"}', 'SE-mobile', 600,
  '[{"kind":"usage","band":"peak","seconds":600,"amount":"1.25"}]'`;
const CHARGE_COLUMNS =
  'amount, currency, rule_set_hash, fired_rules, pricing_facts, zone, billed_seconds, parts';

type Part = (r: number, from: number, to: number) => string;

const KEY = 'dedup key (cdr_keys)';
const TOTALS = 'daily totals upsert (charge_daily_totals)';

const PARTS: Record<string, Part> = {
  'baseline: plain insert, same shape and indexes': (r, from, to) => insertCdrs('raw_cdrs', r, from, to),
  [KEY]: (r, from, to) => `
    insert into cdr_keys (bridge_id, record_id, fingerprint, start_time)
    select bridge_id, record_id, fingerprint, start_time from (${cdrValues(r, from, to)}) v
    on conflict (bridge_id, record_id) do nothing`,
  'CDR (cdrs)': (r, from, to) => insertCdrs('cdrs', r, from, to),
  'charge (charges)': (r, from, to) => `
    insert into charges (cdr_id, customer_account, call_start, ${CHARGE_COLUMNS}, access_type)
    select ${r} * ${rows} + g, customer_account, start_time, ${CHARGE_VALUES}, access_type
    from (${cdrValues(r, from, to)}) v`,
  [TOTALS]: (r, from, to) => `
    with fresh as (
      select customer_account, start_time as call_start, access_type, 1.25::numeric as amount, 'EUR' as currency,
             'SE-mobile' as zone, 600 as billed_seconds
      from (${cdrValues(r, from, to)}) v
    ),
    ${dailyTotalsUpsertCte('fresh')}
    select 1`,
};

/** Not built: the CDR row with its first charge's columns (one row per CDR), into cdrs_one_row. */
const ONE_ROW: [string, Part] = [
  'CDR with its charge as columns (cdrs_one_row, not built)',
  (r, from, to) => `
    insert into cdrs_one_row (${CDR_COLUMNS}, ${CHARGE_COLUMNS})
    select ${CDR_COLUMNS}, ${CHARGE_VALUES} from (${cdrValues(r, from, to)}) v`,
];

/**
 * cdrs_one_row: `cdrs` with the charge's columns, partitioned by month with the same indexes (their
 * definitions copied from the catalog), plus the (customer, id) index of charges and their check
 * of the rule set.
 */
async function createOneRowTable(knex: Knex): Promise<void> {
  await knex.raw(`
    create table cdrs_one_row (like cdrs including defaults including constraints,
      amount numeric not null, currency char(3) not null, rule_set_hash text not null,
      fired_rules text[] not null, pricing_facts jsonb, zone text not null, billed_seconds integer not null,
      parts jsonb not null) partition by range (start_time)`);
  const indexes = rowsOf<{ indexdef: string }>(
    await knex.raw(`select indexdef from pg_indexes where schemaname = 'public' and tablename = 'cdrs'`),
  );
  // Without the indexes the copy would be cheaper than the design it stands for.
  if (!indexes.length) throw new Error('no indexes of cdrs found to copy');
  for (const { indexdef } of indexes)
    await knex.raw(
      indexdef.replace(/INDEX (\w+) ON (ONLY )?public\.cdrs /, 'INDEX $1_one_row ON public.cdrs_one_row '),
    );
  await knex.raw(`create index cdrs_one_row_customer_id_idx on cdrs_one_row (customer_account, id)`);
  // The charge's check that its rule set is archived, as on charges (once per statement).
  await knex.raw(`
    create trigger cdrs_one_row_rule_set_archived after insert on cdrs_one_row
      referencing new table as new_charges
      for each statement execute function charges_refuse_unarchived_rule_sets()`);
  await knex.raw(
    `create table cdrs_one_row_2026_11 partition of cdrs_one_row for values from ('2026-11-01Z') to ('2026-12-01Z')`,
  );
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function main() {
  await adminQuery(serverUrl, `create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '/tmp' });
  try {
    await database.migrate();
    const knex = database.orm.em.getKnex();
    await knex.raw(`select billing_ensure_month_partitions('2026-11-01Z', '2026-11-01Z')`);
    await knex.raw(`create table raw_cdrs (like cdrs including all)`);
    await createOneRowTable(knex);
    await knex.raw(
      `insert into rule_sets (hash, name, version, effective_from, currency, files)
       values ('bench', 'bench', '1', '2020-01-01Z', 'EUR', '[]')`,
    );
    // A running month: every customer already has its day rows, as after the first hours of ingest.
    await knex.raw(
      `insert into charge_daily_totals (customer_account, local_date, access_type, zone, currency, calls, billed_seconds, amount)
       select 'CUST-' || c, date '2026-11-01' + d, 'dial_out', 'SE-mobile', 'EUR', 1, 600, 1.25
       from generate_series(0, ${CUSTOMERS - 1}) c, generate_series(-1, 29) d`,
    );
    await knex.raw('vacuum analyze');
    const times: Record<string, number[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, sql] of [...Object.entries(PARTS), ONE_ROW]) {
        // Statements of BATCH rows each; the round trip is a few percent of one.
        const started = performance.now();
        for (let from = 0; from < rows; from += BATCH)
          await knex.raw(sql(round, from, Math.min(rows, from + BATCH)));
        (times[name] ??= []).push(performance.now() - started);
      }
    }
    const perRow = (name: string) => (median(times[name]!) * 1000) / rows;
    const [baselineName, ...writes] = Object.keys(PARTS);
    const baseline = perRow(baselineName!);
    console.log(
      `${rows} rows in statements of ${BATCH}; median of ${ROUNDS} rounds; µs of database time per row`,
    );
    console.log(`${baselineName}: ${baseline.toFixed(1)} µs (${Math.round(1e6 / baseline)} rows/s)`);
    let sum = 0;
    for (const name of writes) {
      sum += perRow(name);
      console.log(`  ${name}: ${perRow(name).toFixed(1)} µs`);
    }
    console.log(
      `ingest's writes together: ${sum.toFixed(1)} µs per CDR = ${(sum / baseline).toFixed(2)}x a plain insert; ` +
        `at most ${((baseline / sum) * 100).toFixed(0)} % of its rate with these writes`,
    );
    const [oneRowName] = ONE_ROW;
    const oneRowWrites = [KEY, oneRowName, TOTALS];
    const oneRow = oneRowWrites.reduce((total, name) => total + perRow(name), 0);
    console.log(`  ${oneRowName}: ${perRow(oneRowName).toFixed(1)} µs`);
    console.log(
      `one row per CDR (key, that row, totals): ${oneRow.toFixed(1)} µs per CDR = ${(oneRow / baseline).toFixed(2)}x; ` +
        `at most ${((baseline / oneRow) * 100).toFixed(0)} % of a plain insert's rate`,
    );
  } finally {
    await database.close();
    await adminQuery(serverUrl, `drop database if exists ${dbName} with (force)`);
  }
}

await main();
