/**
 * The embedded database (PGlite) under kill -9 mid-write, 10 times: `billing serve` without
 * DATABASE_URL streams CDRs from a bridge into its data directory and is SIGKILLed at a random
 * moment (seeded, printed). After every kill the directory, exactly as the killed process left it,
 * opens and holds each acknowledged CDR once, each rated one with one current charge; the service
 * starts on it again (logging that it recovers from an unclean stop). At the end a full resend gets
 * every acknowledged CDR back as DUPLICATE and everything is stored once.
 *
 * Then the refusals: a directory that cannot be trusted is not served. The service exits 1 with a
 * fatal line naming the directory and what to do: in use by another process, damaged, incomplete,
 * a table file lost, or open when the machine went down (PGlite never fsyncs; see
 * src/persistence/embedded-directory-check.ts and README "Failure behaviour").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { createCustomers } from '../support/customers';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { snapshotDirectory, storedCdrsInDirectory } from './support/embedded-stored-cdrs';
import { recordFault } from './support/fault-report';
import { seededRandom } from './support/seeded-random';
import { spawnServe, type LogLine } from './support/serve-process';

const KILLS = 10;
const BRIDGE = 'crash-bridge';
const CUSTOMERS = ['EMB-1', 'EMB-2', 'EMB-3'];
/** More than the rounds can send (each is killed within ~2 s at 3,000 CDRs/s), so every kill lands mid-stream. */
const TOTAL = 60_000;
/** The embedded database: whatever the suite runs against, these tests are about PGlite. */
const EMBEDDED = { DATABASE_URL: '' };

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-embedded-kill-'));
});
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

function clientsFor(service: ServiceProcess, dataDir: string) {
  const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const channel = createChannel(`127.0.0.1:${service.port}`);
  const options = { '*': { metadata: new Metadata({ authorization: `Bearer ${token}` }) } };
  return {
    channel,
    ingest: createClient(CdrIngestServiceDefinition, channel, options),
    sales: createClient(CustomerServiceDefinition, channel, options),
  };
}

describe('SIGKILL of billing serve on the embedded database mid-write', () => {
  it('keeps every acknowledged CDR once, with one current charge, across 10 kills and restarts', async () => {
    const random = seededRandom('embedded-kill');
    const dataDir = path.join(root, 'kill');
    const pgdata = path.join(dataDir, 'pgdata');
    const env = { ...EMBEDDED, BILLING_DATA_DIR: dataDir };
    const cdrs: Cdr[] = [
      ...generateCdrs(
        {
          bridgeId: BRIDGE,
          customers: CUSTOMERS,
          from: new Date('2026-11-12T08:00:00Z'),
          seed: 7,
          recordPrefix: 'emb',
        },
        TOTAL,
      ),
    ];
    const key = (c: { bridgeId: string; recordId: string }) => `${c.bridgeId}/${c.recordId}`;
    const acknowledged = new Set<string>();
    const perRound: string[] = [];

    for (let round = 1; round <= KILLS; round++) {
      const service = await spawnService(env);
      if (round > 1) {
        // The previous process was killed holding the directory: the restart says so, and recovers.
        expect(service.logs.some((l) => String(l.msg).includes('not closed cleanly'))).toBe(true);
      }
      const { channel, ingest, sales } = clientsFor(service, dataDir);
      if (round === 1) await createCustomers(sales, CUSTOMERS);

      // Send what is not acknowledged yet; the kill comes a random time after the round's first
      // acknowledgement, while batches are being validated, priced and committed.
      const pending = cdrs.filter((c) => !acknowledged.has(key(c)));
      let firstAck: () => void = () => {};
      const firstAcked = new Promise<void>((resolve) => (firstAck = resolve));
      let ackedThisRound = 0;
      const sending = new BridgeSimulator(ingest)
        .sendAll(pending, {
          batchSize: 200,
          window: 4,
          ratePerSecond: 3_000,
          maxReconnects: 0,
          onAck: (results) => {
            for (const r of results) acknowledged.add(key(r));
            ackedThisRound += results.length;
            firstAck();
          },
        })
        .then(
          () => 'finished',
          (error: unknown) => error,
        );
      await firstAcked;
      const delayMs = Math.round(random.between(0, 2_000));
      await sleep(delayMs);
      service.child.kill('SIGKILL');
      expect(await service.exited).toBe('SIGKILL');
      expect(await sending).not.toBe('finished'); // the kill broke the stream mid-way
      channel.close();

      // The directory exactly as the killed process left it (a copy, so the service's own restart
      // is what recovers the original): it opens, and the invariants hold.
      const snapshot = snapshotDirectory(pgdata, path.join(root, 'snapshot'));
      const stored = await storedCdrsInDirectory(snapshot, [BRIDGE]);
      fs.rmSync(snapshot, { recursive: true, force: true });
      const distinct = new Set(stored.keys);
      const missing = [...acknowledged].filter((k) => !distinct.has(k));
      perRound.push(
        `kill ${round} after ${delayMs} ms: ${ackedThisRound} acked this round, ${acknowledged.size} in all, ${stored.keys.length} stored`,
      );
      expect(missing).toEqual([]);
      expect(stored.keys.length).toBe(distinct.size);
      expect(stored.ratedWithoutOneCurrentCharge).toBe(0);
      expect(stored.currentChargesOfUnratedCdrs).toBe(0);
    }
    console.log(perRound.join('\n'));

    // The last restart: the whole list again. Acknowledged ones come back as DUPLICATE (the
    // service finds them), the rest are stored now.
    const last = await spawnService(env);
    const { channel, ingest } = clientsFor(last, dataDir);
    const report = await new BridgeSimulator(ingest).sendAll(cdrs, { batchSize: 1_000, window: 4 });
    channel.close();
    for (const r of report.results) {
      if (acknowledged.has(key(r))) expect(r.outcome).toBe(CdrOutcome.CDR_OUTCOME_DUPLICATE);
      else expect([CdrOutcome.CDR_OUTCOME_ACCEPTED, CdrOutcome.CDR_OUTCOME_DUPLICATE]).toContain(r.outcome);
    }
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    const stored = await storedCdrsInDirectory(pgdata, [BRIDGE]);
    const distinct = new Set(stored.keys);
    const missing = cdrs.filter((c) => !distinct.has(key(c))).length;
    const duplicated = stored.keys.length - distinct.size;
    console.log(
      `embedded kill: seed ${random.seed}, sent ${TOTAL}, acknowledged before the last restart ${acknowledged.size}, stored ${stored.keys.length}, rated ${stored.rated}`,
    );
    expect(missing).toBe(0);
    expect(duplicated).toBe(0);
    expect(stored.ratedWithoutOneCurrentCharge).toBe(0);
    expect(stored.currentChargesOfUnratedCdrs).toBe(0);
    expect(stored.rated).toBeGreaterThan(TOTAL * 0.9);
    recordFault({
      fault: 'SIGKILL of the service on the embedded database mid-write',
      database: 'embedded',
      injected: KILLS,
      sent: TOTAL,
      stored: stored.keys.length,
      missing,
      duplicated,
      invariants: [
        'the killed directory opens after every kill',
        'each acknowledged CDR stored once after every kill',
        'each rated CDR has one current charge after every kill',
        'the restart logs the unclean stop and serves',
        'a full resend finds every acknowledged CDR (DUPLICATE)',
      ],
    });
  }, 900_000);
});

describe('a directory that cannot be trusted is refused at start-up', () => {
  const fatal = (line: LogLine) => line.level === 60;

  /** Starts `billing serve` on `dataDir` and expects a fatal line and exit status 1. */
  async function refused(dataDir: string): Promise<string> {
    const serve = spawnServe({ ...EMBEDDED, BILLING_DATA_DIR: dataDir });
    const line = await serve.waitForLog(fatal);
    expect(await serve.exited).toBe(1);
    expect(serve.logs.some((l) => l.msg === 'billing service serving')).toBe(false);
    return String(line.msg);
  }

  /** A complete PostgreSQL data directory (what PGlite creates on first open), with one table. */
  async function createDirectory(
    name: string,
  ): Promise<{ dataDir: string; pgdata: string; tableFile: string }> {
    const dataDir = path.join(root, name);
    const pgdata = path.join(dataDir, 'pgdata');
    fs.mkdirSync(dataDir, { recursive: true });
    const db = new PGlite(pgdata);
    await db.exec(`create table kept (id int primary key); insert into kept values (1);`);
    const { rows } = await db.query<{ file: string }>(`select pg_relation_filepath('kept') as file`);
    await db.close();
    return { dataDir, pgdata, tableFile: path.join(pgdata, rows[0]!.file) };
  }

  it('while another process serves from it', async () => {
    const { dataDir, pgdata } = await createDirectory('in-use');
    const first = await spawnService({ ...EMBEDDED, BILLING_DATA_DIR: dataDir });
    try {
      const msg = await refused(dataDir);
      expect(msg).toContain(`${pgdata} is in use by process ${first.child.pid}`);
      expect(msg).toContain('Stop that process first');
    } finally {
      first.child.kill('SIGTERM');
      await first.exited;
    }
  }, 120_000);

  it('when its files are damaged (pg_control zeroed)', async () => {
    const { dataDir, pgdata } = await createDirectory('damaged');
    fs.writeFileSync(path.join(pgdata, 'global', 'pg_control'), Buffer.alloc(8192));
    const msg = await refused(dataDir);
    expect(msg).toContain(`the embedded database in ${pgdata} could not be opened`);
    expect(msg).toContain('Restore');
    expect(msg).toContain('DATABASE_URL');
  }, 120_000);

  it('when a table file is lost', async () => {
    const { dataDir, tableFile } = await createDirectory('lost-table');
    fs.rmSync(tableFile);
    const msg = await refused(dataDir);
    expect(msg).toContain('table public.kept cannot be read');
  }, 120_000);

  it('when its first start was interrupted (no pg_control)', async () => {
    const dataDir = path.join(root, 'incomplete');
    fs.mkdirSync(path.join(dataDir, 'pgdata', 'base'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'pgdata', 'PG_VERSION'), '17\n');
    const msg = await refused(dataDir);
    expect(msg).toContain(`${path.join(dataDir, 'pgdata')} is incomplete (missing global/pg_control)`);
  }, 120_000);

  // Linux tells a machine restart by its boot id; elsewhere there is nothing to compare.
  it.runIf(fs.existsSync('/proc/sys/kernel/random/boot_id'))(
    'when it was open as the machine went down, until the operator deletes the lock',
    async () => {
      const { dataDir, pgdata } = await createDirectory('host-crash');
      // What a holder that went down with the machine leaves: its lock, with the boot id of then.
      fs.writeFileSync(
        `${pgdata}.lock`,
        JSON.stringify({
          pid: 4_000_000,
          bootId: 'a-boot-before-the-crash',
          host: os.hostname(),
          since: '2026-11-30T23:59:00Z',
        }),
      );
      const msg = await refused(dataDir);
      expect(msg).toContain('when the machine went down');
      expect(msg).toContain(`delete ${pgdata}.lock`);

      fs.rmSync(`${pgdata}.lock`);
      const service = await spawnService({ ...EMBEDDED, BILLING_DATA_DIR: dataDir });
      service.child.kill('SIGTERM');
      expect(await service.exited).toBe(0);
    },
    120_000,
  );
});
