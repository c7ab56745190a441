/**
 * Disk full under the database while a bridge streams: the database directory lives on a small
 * tmpfs that the test fills to the last byte, once for a private PostgreSQL cluster and once for the
 * embedded database (PGlite). While it is full, writes fail with RESOURCE_EXHAUSTED (PostgreSQL's
 * SQLSTATE 53100, never INTERNAL) and nothing unstored is acknowledged; reads keep working; once
 * the filler is deleted the bridge's resends and the next batches are stored, each CDR once with
 * one current charge. Mounting a tmpfs needs root (CI runs as root); elsewhere the tests skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ClientError, createClient, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrOutcome, type Cdr, type CdrResult } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { storedCdrsInDirectory } from './support/embedded-stored-cdrs';
import { recordFault } from './support/fault-report';
import { postgresOwner, startPostgresIn, type PostgresInDirectory } from './support/postgres-in-directory';
import { CAN_MOUNT, mountSmallDisk, type SmallDisk } from './support/small-disk';
import { storedCdrs, type StoredCdrs } from './support/stored-cdrs';

/**
 * Small, but with room for the data: a fresh PostgreSQL cluster takes ~40 MB and two 16 MB WAL
 * segments, PGlite's directory ~30 MB (1 MB segments). Once freed, the space must hold the CDRs
 * that waited.
 */
const DISK_MB = { postgresql: 160, embedded: 64 };
const BRIDGE = 'bridge-1';
const CUSTOMERS = ['FULL-1', 'FULL-2', 'FULL-3'];
/** Broken streams to see while the disk is full before giving the space back. */
const FAILURES_WHILE_FULL = 3;

interface Scenario {
  t: TestService;
  disk: SmallDisk;
  database: 'postgresql' | 'embedded';
  /** Runs just before the disk is filled. */
  beforeFill?: () => Promise<void>;
  /** What is stored for BRIDGE, read past the service. */
  stored: () => Promise<StoredCdrs>;
}

const cdrsFor = (prefix: string, count: number, seed: number): Cdr[] => [
  ...generateCdrs(
    {
      bridgeId: BRIDGE,
      customers: CUSTOMERS,
      from: new Date('2026-11-16T08:00:00Z'),
      seed,
      recordPrefix: prefix,
    },
    count,
  ),
];

/** Before, while full, after: the same steps on either database. */
async function diskFull({ t, disk, database, beforeFill, stored }: Scenario): Promise<void> {
  const sales = t.client(CustomerServiceDefinition, 'sales');
  const billing = t.client(InvoiceServiceDefinition, 'billing');
  const bridge = new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge'));
  await createCustomers(sales, CUSTOMERS);
  const streamed = cdrsFor('full-stream', 4_000, 2);
  const after = cdrsFor('full-after', 1_000, 3);
  const acknowledged: CdrResult[] = [];
  let onProgress: () => void = () => {};
  const progressed = new Promise<void>((resolve) => (onProgress = resolve));
  const onAck = (results: CdrResult[]) => {
    acknowledged.push(...results);
    if (acknowledged.length >= 500) onProgress();
  };

  // The bridge streams; once it is under way the disk fills. Batches that still fit in the tables'
  // last pages are stored, then every batch fails and the bridge reconnects with backoff, resending
  // what was not acknowledged.
  const failures: unknown[] = [];
  let enoughFailures: () => void = () => {};
  const failedEnough = new Promise<void>((resolve) => (enoughFailures = resolve));
  const streaming = bridge.sendAll(streamed, {
    batchSize: 250,
    ratePerSecond: 2_000,
    onAck,
    reconnectDelayMs: 200,
    maxReconnectDelayMs: 1_000,
    maxReconnects: 60,
    onDisconnect: (error) => {
      failures.push(error);
      if (failures.length >= FAILURES_WHILE_FULL) enoughFailures();
    },
  });
  await progressed;
  await beforeFill?.();
  const acknowledgedBeforeFill = acknowledged.length;
  const filled = disk.fill();
  console.log(
    `${database}: filled the disk with ${(filled / 2 ** 20).toFixed(1)} MB after ${acknowledgedBeforeFill} CDRs, ${disk.available()} bytes left`,
  );
  // Bounded by the stream: had it finished (or given up) first, the disk was never full for it.
  await Promise.race([
    failedEnough,
    streaming.then(() => Promise.reject(new Error('the stream ended before the disk-full failures'))),
  ]);
  const acknowledgedWhileFull = acknowledged.length - acknowledgedBeforeFill;

  // Reads do not need the disk: customers, invoices and running charges answer as before, and
  // health stays SERVING (a load balancer must not take away a service that still reads).
  const customer = await sales.getCustomer({ externalId: 'FULL-1' });
  expect(customer.customer?.externalId).toBe('FULL-1');
  await billing.listInvoices({ customerAccount: 'FULL-1', pageSize: 10 });
  await billing.getRunningCharges({ customerAccount: 'FULL-1' });
  expect((await createClient(HealthDefinition, t.channel).check({ service: '' })).status).toBe(
    ServingStatus.SERVING,
  );

  // Space comes back: the bridge's next resend is stored, and so are the following batches.
  disk.free();
  const report = await streaming;
  await bridge.sendAll(after, { batchSize: 250, onAck });

  // Every broken stream was the disk-full answer: a retryable status that says what happened.
  const statuses = failures.map((e) => (e instanceof ClientError ? Status[e.code] : (e as Error).name));
  console.log(
    `${database}: after the fill ${acknowledgedWhileFull} CDRs still fitted (or were in flight) and were acknowledged, then ${failures.length} broken streams: ${[...new Set(statuses)].join(', ')}; ${report.reconnects} reconnects`,
  );
  expect(statuses).toEqual(statuses.map(() => 'RESOURCE_EXHAUSTED'));
  expect((failures[0] as ClientError).details).toMatch(/disk/i);
  expect(
    report.results.every(
      (r) => r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED || r.outcome === CdrOutcome.CDR_OUTCOME_DUPLICATE,
    ),
  ).toBe(true);

  // Nothing unstored was acknowledged, nothing is stored twice, each rated CDR has one current charge.
  const sent = [...streamed, ...after];
  const rows = await stored();
  const distinct = new Set(rows.keys);
  const missing = acknowledged.filter((r) => !distinct.has(`${r.bridgeId}/${r.recordId}`)).length;
  const duplicated = rows.keys.length - distinct.size;
  expect(acknowledged).toHaveLength(sent.length);
  expect(missing).toBe(0);
  expect(duplicated).toBe(0);
  expect(distinct.size).toBe(sent.length);
  expect(rows.ratedWithoutOneCurrentCharge).toBe(0);
  expect(rows.currentChargesOfUnratedCdrs).toBe(0);
  recordFault({
    fault: `disk full under the ${database === 'embedded' ? 'embedded database' : 'PostgreSQL data directory'} while a bridge streams, then space freed`,
    database,
    injected: 1,
    sent: sent.length,
    stored: rows.keys.length,
    missing,
    duplicated,
    invariants: [
      'writes while full answer RESOURCE_EXHAUSTED (never INTERNAL)',
      'nothing unstored acknowledged',
      'GetCustomer, ListInvoices, GetRunningCharges and health SERVING while full',
      'the resends and next batches are stored once space returns',
      'each CDR stored once, each rated CDR one current charge',
    ],
  });
}

describe.runIf(CAN_MOUNT)(
  `disk full${CAN_MOUNT ? '' : ' (skipped: mounting a tmpfs needs root on Linux)'}`,
  () => {
    describe('under PostgreSQL', () => {
      let disk: SmallDisk;
      let postgres: PostgresInDirectory;
      let dataDir: string;
      let t: TestService;

      beforeAll(async () => {
        disk = await mountSmallDisk(DISK_MB.postgresql, await postgresOwner());
        dataDir = path.join(disk.dir, 'data');
        postgres = await startPostgresIn(dataDir);
        t = await startTestService({ env: { DATABASE_URL: postgres.url('billing_disk_full') } });
      }, 120_000);

      afterAll(async () => {
        await t?.stop();
        await postgres?.destroy();
        await disk?.unmount();
      });

      it('refuses writes with RESOURCE_EXHAUSTED, keeps reading, and stores again once space returns', async () => {
        await diskFull({
          t,
          disk,
          database: 'postgresql',
          // A full disk under pg_wal makes PostgreSQL PANIC and shut down when it must create its next
          // WAL segment (README: the limit, and what to do); that is not what this test is about.
          // Start a fresh 16 MB segment and write into it (a catalog change: its commit is flushed),
          // so its file exists before the disk fills and the full disk hits the tables instead.
          beforeFill: async () => {
            const admin = new pg.Client({ connectionString: postgres.url('postgres') });
            await admin.connect();
            try {
              await admin.query('select pg_switch_wal()');
              await admin.query('create table if not exists wal_headroom (id int); drop table wal_headroom');
              const { rows } = await admin.query<{ file: string }>(
                'select pg_walfile_name(pg_current_wal_flush_lsn()) as file',
              );
              expect(fs.existsSync(path.join(dataDir, 'pg_wal', rows[0]!.file))).toBe(true);
            } finally {
              await admin.end();
            }
          },
          stored: () => storedCdrs(postgres.url('billing_disk_full'), [BRIDGE]),
        });
      }, 300_000);
    });

    describe('under the embedded database', () => {
      let disk: SmallDisk;
      let t: TestService;
      let stopped = false;

      beforeAll(async () => {
        disk = await mountSmallDisk(DISK_MB.embedded);
        t = await startTestService({
          env: { DATABASE_URL: '', BILLING_DATA_DIR: path.join(disk.dir, 'data') },
        });
      }, 120_000);

      afterAll(async () => {
        if (!stopped) await t?.stop();
        await disk?.unmount();
      });

      it('refuses writes with RESOURCE_EXHAUSTED, keeps reading, and stores again once space returns', async () => {
        await diskFull({
          t,
          disk,
          database: 'embedded',
          // PGlite's directory is read once the service has closed it (one process at a time).
          stored: async () => {
            stopped = true;
            await t.stop();
            return storedCdrsInDirectory(path.join(disk.dir, 'data', 'pgdata'), [BRIDGE]);
          },
        });
      }, 300_000);
    });
  },
);
