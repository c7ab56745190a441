/**
 * SIGKILL of `billing serve` while reservations write bookings (CreateBooking, UpdateBooking) and a
 * bridge watches them (WatchBookings). Kills land at random points of the writes (seeded, printed);
 * a write cut off is sent again unchanged (same request id) to the restarted service, and the
 * watcher reconnects with the cursor of the last event it received. Every write takes effect once,
 * and the watcher receives every outbox event of its bridge once, in order: no gap, no repeat.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientError, Status } from 'nice-grpc';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BookingServiceDefinition,
  BookingStatus,
  type Booking,
} from '../../src/gen/billing/v1/booking_service';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { recordFault } from './support/fault-report';
import { checkInvariants, compareWatcher } from './support/invariants';
import { startKillableService, writeTokensFile, type KillableService } from './support/killable-service';
import { killPoints, seededRandom } from './support/seeded-random';
import { createCustomersInParallel } from './support/workload-data';

const BRIDGE = 'bridge-watch';
const CUSTOMER = 'KILL-B1';
/** Each booking is created, then updated once: two writes, two outbox events. */
const BOOKINGS = 80;
const KILLS = 7;

function newBooking(n: number, startsAt: number): Booking {
  return {
    id: '',
    externalReference: `kill-booking-${n}`,
    customerAccount: CUSTOMER,
    bridgeId: BRIDGE,
    title: `Board call ${n}`,
    scheduledStart: new Date(startsAt),
    expectedDurationSeconds: 3600,
    timeZone: '',
    expectedParticipants: 4,
    dialOutNumbers: [],
    features: [],
    hostCode: '',
    participantCode: '',
    status: BookingStatus.BOOKING_STATUS_UNSPECIFIED,
    cancelReason: '',
    version: 0,
  };
}

describe.runIf(Boolean(process.env.DATABASE_URL))('SIGKILL while bookings are written and watched', () => {
  let database: TestDatabase;
  let service: KillableService;
  /** Ends the watcher's reconnect loop, also when the test failed half-way. */
  const stopWatching = new AbortController();

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await startKillableService({
      databaseUrl: database.databaseUrl!,
      tokens: writeTokensFile(database.dataDir),
    });
    await createCustomersInParallel(service, [CUSTOMER]);
  }, 120_000);

  afterAll(async () => {
    stopWatching.abort();
    await service?.stop();
    await database?.drop();
  });

  it('applies every write once and the watcher resumes from its cursor with no gap and no repeat', async () => {
    const random = seededRandom('kill-bookings');
    const url = database.databaseUrl!;
    const reservations = service.client(BookingServiceDefinition, 'reservations');

    // The watcher: reconnects after every broken stream with the cursor of the last event it received.
    const received: string[] = [];
    const watchErrors = new Map<string, number>();
    const watcher = (async () => {
      while (!stopWatching.signal.aborted) {
        try {
          const stream = service
            .client(BookingServiceDefinition, 'bridge')
            .watchBookings(
              { bridgeId: BRIDGE, afterCursor: received.at(-1) ?? '' },
              { signal: stopWatching.signal },
            );
          for await (const { event } of stream) received.push(event!.cursor);
        } catch (error) {
          if (stopWatching.signal.aborted) return;
          const name = error instanceof ClientError ? Status[error.code] : String(error);
          watchErrors.set(name, (watchErrors.get(name) ?? 0) + 1);
          await service.serving();
          await sleep(50);
        }
      }
    })();

    // The writes, one after another; a write the kill cut off goes again, unchanged, to the next process.
    const writes = BOOKINGS * 2;
    let done = 0;
    const waiters: { at: number; resolve(): void }[] = [];
    const doneAtLeast = (at: number) =>
      new Promise<void>((resolve) => (done >= at ? resolve() : waiters.push({ at, resolve })));
    const wrote = () => {
      done += 1;
      for (const w of waiters.filter((w) => done >= w.at)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    };
    const writer = (async () => {
      const firstStart = Date.now() + 7 * 24 * 3600_000;
      for (let n = 0; n < BOOKINGS; n++) {
        const booking = newBooking(n, firstStart + n * 3600_000);
        const created = await service.retrying(() =>
          reservations.createBooking({ requestId: `create-${n}`, booking }),
        );
        wrote();
        const update = {
          requestId: `update-${n}`,
          booking: { ...created.booking!, title: `Board call ${n} (moved room)` },
          expectedVersion: 1,
        };
        await service.retrying(() => reservations.updateBooking(update));
        wrote();
      }
    })();
    // Awaited below; a failed assertion before then must not leave it as an unhandled rejection.
    writer.catch(() => undefined);

    for (const [k, point] of killPoints(random, KILLS, 0.05, 0.95)
      .map((p) => Math.floor(p * writes))
      .entries()) {
      await doneAtLeast(point);
      await sleep(random.between(0, 15)); // inside the next write
      await service.kill();
      await service.restart();
      const { violations } = await checkInvariants(url);
      expect(violations, `invariants after kill ${k + 1}`).toEqual([]);
      // So far the watcher may lag behind, but what it has must be the outbox's beginning, once each.
      const sofar = await compareWatcher(url, BRIDGE, received);
      expect({
        repeated: sofar.repeated,
        outOfOrder: sofar.outOfOrder,
        gaps: sofar.gaps,
      }).toEqual({ repeated: [], outOfOrder: false, gaps: [] });
    }
    await writer;

    // Let the watcher catch up with the outbox (bounded by attempts, not by the clock).
    let comparison = await compareWatcher(url, BRIDGE, received);
    for (let attempt = 0; attempt < 600 && comparison.missing.length > 0; attempt++) {
      await sleep(100);
      comparison = await compareWatcher(url, BRIDGE, received);
    }
    stopWatching.abort();
    await watcher;
    // Compared again on what the watcher holds now: an event that arrived between the last
    // comparison and the loop's check would otherwise be reported missing though it was received.
    comparison = await compareWatcher(url, BRIDGE, received);
    console.log(
      `kill-bookings: ${received.length} events received, watch streams broken ${JSON.stringify(Object.fromEntries(watchErrors))}; restarts took ${service.restartMs.join(', ')} ms`,
    );

    const sql = new pg.Client({ connectionString: url });
    await sql.connect();
    const { rows } = await sql
      .query<{ external_reference: string; version: number; events: number }>(
        `select b.external_reference, b.version, (select count(*)::int from booking_events e where e.booking_id = b.id) as events
         from bookings b where b.bridge_id = $1`,
        [BRIDGE],
      )
      .finally(() => sql.end());
    // Each booking: created once (one row), updated once (version 2), and two events in the outbox.
    const applied = rows.reduce((n, r) => n + Math.min(r.version, 2), 0);
    const duplicated =
      rows.reduce((n, r) => n + Math.max(0, r.version - 2) + Math.max(0, r.events - 2), 0) +
      (rows.length - new Set(rows.map((r) => r.external_reference)).size);
    expect(rows.length).toBe(BOOKINGS);
    expect([applied, duplicated]).toEqual([writes, 0]);
    expect(comparison).toEqual({ missing: [], repeated: [], outOfOrder: false, stored: writes, gaps: [] });
    expect([...watchErrors.keys()].filter((s) => s !== 'UNAVAILABLE')).toEqual([]);
    const final = await checkInvariants(url);
    expect(final.violations).toEqual([]);
    expect(service.kills).toBe(KILLS);
    recordFault({
      fault: `SIGKILL of billing serve during CreateBooking/UpdateBooking with a WatchBookings watcher resuming from its cursor (seed ${random.seed})`,
      database: 'postgresql',
      injected: service.kills,
      sent: writes,
      stored: applied,
      missing: writes - applied,
      duplicated,
      invariants: [
        'each write applied once (retried with its request id)',
        'watcher: every outbox event once, in order, no gap',
        ...final.checked,
      ],
    });
  }, 300_000);
});
