/**
 * SIGKILL of `billing serve` while two bridges stream CDRs. The service is killed at random points
 * of the stream's progress (seeded, printed), mostly with batches in flight, and started again on
 * the same port; the bridges reconnect and resend what was not acknowledged. After each restart the
 * database invariants hold; in the end every record is stored once, with one current charge.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrOutcome, type Cdr, type CdrResult } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { recordFault } from './support/fault-report';
import { checkInvariants } from './support/invariants';
import { startKillableService, writeTokensFile, type KillableService } from './support/killable-service';
import { killPoints, seededRandom } from './support/seeded-random';
import { storedCdrs } from './support/stored-cdrs';
import { createCustomersInParallel } from './support/workload-data';

const BRIDGES = ['bridge-1', 'bridge-sto-1'];
const PER_BRIDGE = 5_000;
const KILLS = 8;
const CUSTOMERS = ['KILL-S1', 'KILL-S2', 'KILL-S3'];

describe.runIf(Boolean(process.env.DATABASE_URL))('SIGKILL while two bridges stream', () => {
  let database: TestDatabase;
  let service: KillableService;
  /** Stops the bridges' reconnect loops, also when the test failed half-way. */
  const stopBridges = new AbortController();

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startKillableService({
      databaseUrl: database.databaseUrl!,
      tokens: writeTokensFile(database.dataDir),
    });
    await createCustomersInParallel(service, CUSTOMERS);
  }, 120_000);

  afterAll(async () => {
    stopBridges.abort();
    await service?.stop();
    await database?.drop();
  });

  it('stores every record once with one current charge, and the invariants hold after every restart', async () => {
    const random = seededRandom('kill-streaming');
    const total = BRIDGES.length * PER_BRIDGE;
    // Kills follow acknowledged progress, not the clock, so all of them land while records are still to
    // come (the last at 85 %: the rest takes longer to send than the pause before a kill).
    const points = killPoints(random, KILLS, 0.05, 0.85).map((p) => Math.floor(p * total));
    let acknowledged = 0;
    const waiters: { at: number; resolve(): void }[] = [];
    const acknowledgedAtLeast = (at: number) =>
      new Promise<void>((resolve) => (acknowledged >= at ? resolve() : waiters.push({ at, resolve })));
    const onAck = (results: CdrResult[]) => {
      acknowledged += results.length;
      for (const w of waiters.filter((w) => acknowledged >= w.at)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    const broken = new Map<string, number>();
    const onDisconnect = (error: unknown) => {
      const name = error instanceof ClientError ? Status[error.code] : (error as Error).name;
      broken.set(name, (broken.get(name) ?? 0) + 1);
    };

    const streams = BRIDGES.map((bridgeId, i) => {
      const cdrs: Cdr[] = [
        ...generateCdrs(
          {
            bridgeId,
            customers: CUSTOMERS,
            from: new Date('2026-11-10T08:00:00Z'),
            seed: 7 + i,
            recordPrefix: bridgeId,
          },
          PER_BRIDGE,
        ),
      ];
      return new BridgeSimulator(service.client(CdrIngestServiceDefinition, 'bridge')).sendAll(cdrs, {
        batchSize: 200,
        window: 4,
        ratePerSecond: 2_000,
        reconnectDelayMs: 100,
        maxReconnectDelayMs: 500,
        // A restart on a loaded machine takes seconds: many fruitless attempts are expected.
        maxReconnects: 1_000,
        onAck,
        onDisconnect,
        signal: stopBridges.signal,
      });
    });
    // Awaited below; a failed assertion before then must not leave them as unhandled rejections.
    for (const stream of streams) stream.catch(() => undefined);

    const acknowledgedAtKill: number[] = [];
    for (const [k, point] of points.entries()) {
      await acknowledgedAtLeast(point);
      // Somewhere inside the next batches' validation, pricing or commit.
      await sleep(random.between(0, 120));
      acknowledgedAtKill.push(acknowledged);
      await service.kill();
      await service.restart();
      const { violations } = await checkInvariants(database.databaseUrl!);
      expect(violations, `invariants after kill ${k + 1} (at ${acknowledged} acknowledged)`).toEqual([]);
    }
    const reports = await Promise.all(streams);
    console.log(
      `kill-streaming: killed at ${acknowledgedAtKill.join(', ')} of ${total} acknowledged; broken streams ${JSON.stringify(Object.fromEntries(broken))}; restarts took ${service.restartMs.join(', ')} ms`,
    );

    expect(service.kills).toBe(KILLS);
    expect(Math.max(...acknowledgedAtKill)).toBeLessThan(total);
    // A killed process shows as a lost connection, never as an answer the bridge would give up on.
    expect([...broken.keys()].filter((s) => s !== 'UNAVAILABLE')).toEqual([]);
    const results = reports.flatMap((r) => r.results);
    expect(
      results.filter(
        (r) =>
          r.outcome !== CdrOutcome.CDR_OUTCOME_ACCEPTED && r.outcome !== CdrOutcome.CDR_OUTCOME_DUPLICATE,
      ),
    ).toEqual([]);

    const stored = await storedCdrs(database.databaseUrl!, BRIDGES);
    const expected = new Set(results.map((r) => `${r.bridgeId}/${r.recordId}`));
    const distinct = new Set(stored.keys);
    const missing = [...expected].filter((key) => !distinct.has(key)).length;
    const duplicated = stored.keys.length - distinct.size;
    expect(expected.size).toBe(total);
    expect([
      missing,
      duplicated,
      stored.ratedWithoutOneCurrentCharge,
      stored.currentChargesOfUnratedCdrs,
    ]).toEqual([0, 0, 0, 0]);
    const final = await checkInvariants(database.databaseUrl!);
    expect(final.violations).toEqual([]);
    recordFault({
      fault: `SIGKILL of billing serve (restarted on the same port) while 2 bridges stream, at random points (seed ${random.seed})`,
      database: 'postgresql',
      injected: service.kills,
      sent: total,
      stored: stored.keys.length,
      missing,
      duplicated,
      invariants: [
        'bridges saw only UNAVAILABLE',
        'every record acknowledged ACCEPTED or DUPLICATE',
        ...final.checked,
      ],
    });
  }, 300_000);
});
