/**
 * Test data for invoicing, written straight into the database (customers, rated CDRs with their
 * charges, daily totals), and a second service instance on the same database for concurrency tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createChannel,
  createClientFactory,
  Metadata,
  type Client,
  type CompatServiceDefinition,
} from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import type { Role } from '../../src/auth/roles';
import { Decimal } from '../../src/domain/money';
import type { ChargePart } from '../../src/domain/rating/charge-parts';
import type { Database } from '../../src/persistence/database';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { REPO_ROOT, type TestService } from '../support/test-service';

export function knexOf(db: Database) {
  return db.orm.em.getKnex();
}

/** The rows of a `knex.raw` query, of the type the query selects. */
export async function rowsOf<T>(query: Promise<unknown>): Promise<T[]> {
  return ((await query) as { rows: T[] }).rows;
}

export interface CustomerRow {
  account: string;
  name?: string;
  currency?: string;
  timeZone?: string;
  country?: string;
  vatNumber?: string;
  paymentTermsDays?: number;
  contract?: { includedMinutes?: string; minimumCommitment?: string };
}

export async function insertCustomers(db: Database, customers: CustomerRow[]): Promise<void> {
  const knex = knexOf(db);
  await knex.raw(
    `insert into customers (external_id, name, email, vat_number, country_code, currency, time_zone, payment_terms_days, address)
     select account, name, email, vat_number, country_code, currency, time_zone, payment_terms_days, address
     from jsonb_to_recordset(?::jsonb) as x(account text, name text, email text, vat_number text, country_code text,
       currency text, time_zone text, payment_terms_days integer, address jsonb)`,
    [
      JSON.stringify(
        customers.map((c) => ({
          account: c.account,
          name: c.name ?? `Customer ${c.account} AB`,
          email: `invoices@${c.account}.example`,
          vat_number: c.vatNumber ?? null,
          country_code: c.country ?? 'SE',
          currency: c.currency ?? 'SEK',
          time_zone: c.timeZone ?? 'Europe/Stockholm',
          payment_terms_days: c.paymentTermsDays ?? 30,
          address: {
            lines: ['Kungsgatan 12'],
            postalCode: '411 19',
            city: 'Göteborg',
            countryCode: c.country ?? 'SE',
          },
        })),
      ),
    ],
  );
  for (const c of customers.filter((x) => x.contract)) {
    await knex.raw(
      `insert into contracts (external_id, customer_external_id, included_minutes, minimum_commitment, valid_from)
       values (?, ?, ?, ?, '2020-01-01T00:00:00Z')`,
      [
        `k-${c.account}`,
        c.account,
        c.contract!.includedMinutes ?? '0',
        c.contract!.minimumCommitment ?? null,
      ],
    );
  }
}

export interface ChargeRow {
  account: string;
  conference?: string;
  accessType?: 'local_dial_in' | 'toll_free_dial_in' | 'dial_out' | 'web';
  zone?: string;
  start: string;
  seconds: number;
  amount: string;
  currency?: string;
  /** What the amount is made of (charges.parts); by default the seconds at amount per seconds/60 min. */
  parts?: ChargePart[];
}

/**
 * The parts rating would record for a charge of `amount` for `seconds`: the seconds at the exact
 * per-minute rate amount × 60 / seconds; when that rate is not exact (or there are no seconds), the
 * call at its own amount, as the migration backfills charges stored before parts existed.
 */
export function partsOf(seconds: number, amount: string): ChargePart[] {
  const rate = seconds > 0 ? new Decimal(amount).times(60).dividedBy(seconds) : undefined;
  if (rate && rate.decimalPlaces() <= 8)
    return [
      {
        kind: 'usage',
        quantity: String(seconds),
        unitCode: 'SEC',
        price: rate.toFixed(),
        baseQuantity: '60',
      },
    ];
  return [
    {
      kind: 'usage',
      quantity: '1',
      unitCode: 'C62',
      price: new Decimal(amount).toFixed(),
      baseQuantity: '1',
    },
  ];
}

let recordSeq = 0;

/**
 * Rated CDRs and their charges, as ingest would have stored them. `chargeIds: 'reversed'` numbers
 * the charges against the CDRs' order, as charges end up after rerates and late rating.
 */
export async function insertCharges(
  db: Database,
  rows: ChargeRow[],
  options: { chargeIds?: 'reversed' } = {},
): Promise<void> {
  const knex = knexOf(db);
  await knex.raw(
    `insert into rule_sets (hash, name, version, effective_from, currency, files)
     values ('test-rules', 'test', '1', '2020-01-01T00:00:00Z', 'SEK', '[]') on conflict do nothing`,
  );
  const payload = rows.map((r) => ({
    record_id: `rec-${process.pid}-${++recordSeq}`,
    account: r.account,
    conference: r.conference ?? 'conf-1',
    access_type: r.accessType ?? 'local_dial_in',
    start: r.start,
    seconds: r.seconds,
    amount: r.amount,
    currency: r.currency ?? 'SEK',
    zone: r.zone ?? '',
    parts: r.parts ?? partsOf(r.seconds, r.amount),
    explanation: {
      ...(r.zone ? { zone: r.zone } : {}),
      bands: [{ name: 'all', seconds: r.seconds, billedSeconds: r.seconds, rate: '0', amount: r.amount }],
    },
  }));
  // The months' partitions first (as the CDR store does before a batch), then the rows.
  await knex.raw(
    `select billing_ensure_month_partitions(min(start), max(start)) from jsonb_to_recordset(?::jsonb) as x(start timestamptz)`,
    [JSON.stringify(payload)],
  );
  await knex.raw(
    `with input as (
       select * from jsonb_to_recordset(?::jsonb) as x(record_id text, account text, conference text, access_type text,
         start timestamptz, seconds integer, amount numeric, currency text, zone text, explanation jsonb,
         parts jsonb)
     ),
     ins as (
       insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time, end_time,
                         duration_seconds, rating_status)
       select 'test-bridge', record_id, record_id, conference, account, access_type, start, start + make_interval(secs => seconds),
              seconds, 'rated' from input
       returning id, record_id
     )
     insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation,
                          zone, billed_seconds, parts, access_type)
     select ins.id, input.account, input.start, input.amount, input.currency, 'test-rules', '{}', input.explanation,
            input.zone, input.seconds, input.parts, input.access_type
     from ins join input using (record_id)
     order by ins.id ${options.chargeIds === 'reversed' ? 'desc' : 'asc'}`,
    [JSON.stringify(payload)],
  );
}

export interface SecondInstance {
  /** The replica: `billing serve` in its own OS process. */
  process: ServiceProcess;
  client<D extends CompatServiceDefinition>(definition: D, role?: Role): Client<D>;
  stop(): Promise<void>;
}

/**
 * Another replica of the service on the same database as `t`, as a separate process (`billing
 * serve`), so that the two share nothing but PostgreSQL (server mode only).
 */
export async function startSecondInstance(t: TestService): Promise<SecondInstance> {
  if (!t.database.databaseUrl) throw new Error('a second instance needs a PostgreSQL server (DATABASE_URL)');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-replica-'));
  const replica = await spawnService({
    DATABASE_URL: t.database.databaseUrl,
    BILLING_DATA_DIR: dataDir,
    BILLING_RULES_DIR: path.join(REPO_ROOT, 'rules'),
    BILLING_TOKENS_FILE: path.join(t.database.dataDir, 'tokens.json'),
    BILLING_SHUTDOWN_TIMEOUT_MS: '3000',
    BILLING_CLOSE_INTERVAL_MS: '0',
  });
  const channel = createChannel(`127.0.0.1:${replica.port}`);
  return {
    process: replica,
    client(definition, role) {
      const metadata = new Metadata();
      if (role) metadata.set('authorization', `Bearer ${t.tokenFor(role)}`);
      return createClientFactory()
        .use(errorDetailsClientMiddleware)
        .create<never>(definition as never, channel, { '*': { metadata } });
    },
    async stop() {
      channel.close();
      replica.child.kill('SIGTERM');
      await replica.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function uuid(): string {
  return crypto.randomUUID();
}
