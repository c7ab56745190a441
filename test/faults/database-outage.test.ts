/**
 * PostgreSQL restarts under streaming bridges: a fast restart, then a crash (immediate stop) held
 * down until health says NOT_SERVING. The service stays up, in-flight batches fail UNAVAILABLE
 * (never INTERNAL), the pool replaces its dead connections by itself, the bridges reconnect and
 * resend, and in the end every record is stored once with one current charge.
 */
import { recordFault } from './support/fault-report';
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { watchHealth, type HealthWatch } from './support/health-watch';
import { createPrivatePostgres, type PrivatePostgres } from './support/private-postgres';
import { storedCdrs } from './support/stored-cdrs';

const BRIDGES = ['bridge-1', 'bridge-sto-1'];
const PER_BRIDGE = 10_000;
const CUSTOMERS = ['CUST-1', 'CUST-2', 'CUST-3'];

let postgres: PrivatePostgres;
let t: TestService;
let health: HealthWatch;

beforeAll(async () => {
  postgres = await createPrivatePostgres();
  await postgres.start();
  await postgres.createDatabase('billing_faults');
  t = await startTestService({ env: { DATABASE_URL: postgres.url('billing_faults') } });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), CUSTOMERS);
  health = watchHealth(t.channel);
  await health.until('SERVING');
});

afterAll(async () => {
  health?.stop();
  await t?.stop();
  await postgres?.destroy();
});

describe('PostgreSQL restarts while bridges stream', () => {
  it('loses nothing, stores nothing twice, answers UNAVAILABLE (never INTERNAL) and reports health', async () => {
    const total = BRIDGES.length * PER_BRIDGE;
    const statuses = new Map<string, number>();
    const count = (name: string) => statuses.set(name, (statuses.get(name) ?? 0) + 1);
    let acknowledged = 0;
    const progressWaiters: { at: number; resolve(): void }[] = [];
    const acknowledgedAtLeast = (at: number) =>
      new Promise<void>((resolve) => progressWaiters.push({ at, resolve }));
    const onAck = (results: unknown[]) => {
      count('OK');
      acknowledged += results.length;
      for (const w of progressWaiters.filter((w) => acknowledged >= w.at)) {
        progressWaiters.splice(progressWaiters.indexOf(w), 1);
        w.resolve();
      }
    };
    const onDisconnect = (error: unknown) =>
      count(error instanceof ClientError ? Status[error.code] : (error as Error).name);

    // The outages follow progress, not the clock: a fast restart once a fifth of the records is
    // acknowledged; once half is, and health is SERVING again, a crash held down until health
    // answers NOT_SERVING. The bridges are paced so that both hit batches in flight.
    let notServingWhileDown = false;
    const acknowledgedAtOutage: number[] = [];
    const outages = (async () => {
      await acknowledgedAtLeast(total * 0.2);
      acknowledgedAtOutage.push(acknowledged);
      await postgres.restart('fast');
      await health.until('SERVING');
      await acknowledgedAtLeast(total * 0.5);
      acknowledgedAtOutage.push(acknowledged);
      await postgres.restart('immediate', async () => {
        await health.until('NOT_SERVING');
        notServingWhileDown = true;
      });
    })();

    const send = (bridgeId: string, seed: number) => {
      const cdrs: Cdr[] = [
        ...generateCdrs(
          {
            bridgeId,
            customers: CUSTOMERS,
            from: new Date('2026-11-10T08:00:00Z'),
            seed,
            recordPrefix: bridgeId,
          },
          PER_BRIDGE,
        ),
      ];
      return new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge')).sendAll(cdrs, {
        batchSize: 250,
        window: 4,
        ratePerSecond: 2_000,
        onAck,
        onDisconnect,
      });
    };
    const reports = await Promise.all(BRIDGES.map((bridge, i) => send(bridge, i + 1)));
    await outages;
    await health.until('SERVING');

    // What the bridges saw: acknowledgements and broken streams, by status. No INTERNAL, ever.
    console.log('bridge statuses:', Object.fromEntries(statuses), 'health seen:', health.seen.join(' -> '));
    // Both outages came while records were still to be sent.
    expect(acknowledgedAtOutage).toHaveLength(2);
    expect(Math.max(...acknowledgedAtOutage)).toBeLessThan(total);
    expect(statuses.get('INTERNAL') ?? 0).toBe(0);
    expect(statuses.get('UNAVAILABLE') ?? 0).toBeGreaterThan(0);
    expect([...statuses.keys()].filter((s) => s !== 'OK' && s !== 'UNAVAILABLE')).toEqual([]);
    // NOT_SERVING while the crashed database was down, SERVING again after.
    expect(notServingWhileDown).toBe(true);
    expect(health.seen).toContain('NOT_SERVING');
    expect(health.seen.at(-1)).toBe('SERVING');

    // Every record acknowledged once per bridge report, as stored or as a duplicate of a commit whose ack was lost.
    const results = reports.flatMap((r) => r.results);
    expect(results).toHaveLength(total);
    expect(
      results.filter(
        (r) =>
          r.outcome !== CdrOutcome.CDR_OUTCOME_ACCEPTED && r.outcome !== CdrOutcome.CDR_OUTCOME_DUPLICATE,
      ),
    ).toEqual([]);

    // The database: each record exactly once, each rated one with exactly one current charge.
    const stored = await storedCdrs(postgres.url('billing_faults'), BRIDGES);
    const expected = new Set(results.map((r) => `${r.bridgeId}/${r.recordId}`));
    const distinct = new Set(stored.keys);
    const missing = [...expected].filter((k) => !distinct.has(k)).length;
    const duplicated = stored.keys.length - distinct.size;
    const resentAfterLostAck = results.filter((r) => r.outcome === CdrOutcome.CDR_OUTCOME_DUPLICATE).length;
    console.log(
      `records sent ${total}, stored ${stored.keys.length}, missing ${missing}, duplicated ${duplicated}, rated ${stored.rated}, acknowledged as DUPLICATE ${resentAfterLostAck}`,
    );
    expect(expected.size).toBe(total);
    expect(missing).toBe(0);
    expect(duplicated).toBe(0);
    expect(distinct.size).toBe(total);
    expect(stored.ratedWithoutOneCurrentCharge).toBe(0);
    expect(stored.currentChargesOfUnratedCdrs).toBe(0);
    expect(stored.rated).toBeGreaterThan(total * 0.9);
    recordFault({
      fault: 'PostgreSQL restart (fast) and crash (immediate, held down) while 2 bridges stream',
      database: 'postgresql',
      injected: 2,
      sent: total,
      stored: stored.keys.length,
      missing,
      duplicated,
      invariants: [
        'no INTERNAL, only UNAVAILABLE, seen by bridges',
        'health NOT_SERVING while down, SERVING after',
        'each CDR stored once',
        'each rated CDR has one current charge',
      ],
    });
  }, 240_000);
});
