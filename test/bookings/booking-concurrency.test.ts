/**
 * Bookings under concurrent writers and a moving clock: two writers of one external reference get
 * what one after the other would get; a stale expected_version is refused also for a booking
 * already cancelled; a booking is a no-show only once its booked time is over; and a failed
 * statement's values (access codes) never reach the server log.
 */
import { Status, type CallContext, type Client, type ServerMiddlewareCall } from 'nice-grpc';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import {
  BookingServiceDefinition,
  BookingStatus,
  type Booking,
} from '../../src/gen/billing/v1/booking_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { BookingRecordSchema } from '../../src/persistence/entities/booking-record';
import { errorMapperMiddleware } from '../../src/transport/grpc/middleware/error-mapper';
import { bookingOutcome, plainBooking } from '../support/bookings';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

const T0 = new Date('2030-01-15T09:00:00Z');
const HOUR = 3600_000;
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

const clock = new FixedClock(T0);
let t: TestService;
let reservations: Client<typeof BookingServiceDefinition>;
beforeAll(async () => {
  t = await startTestService({ clock });
  reservations = t.client(BookingServiceDefinition, 'reservations');
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CA', 'CB']);
});
afterAll(async () => {
  await t?.stop();
});

let seq = 0;
function booking(overrides: Partial<Booking> = {}): Booking {
  return plainBooking('CA', 'bridge-conc', at(2), { expectedParticipants: 5, ...overrides });
}

async function create(overrides: Partial<Booking> = {}): Promise<Booking> {
  return (await reservations.createBooking({ requestId: `create-${++seq}`, booking: booking(overrides) }))
    .booking!;
}

describe('one external reference, concurrent writers', () => {
  it('of three concurrent creates one is stored; the others are refused as a sequential duplicate is', async () => {
    for (let round = 0; round < 5; round++) {
      const reference = `conc-create-${round}`;
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          bookingOutcome(
            reservations.createBooking({
              requestId: `cc-${++seq}`,
              booking: booking({ externalReference: reference }),
            }),
          ),
        ),
      );
      const stored = results.flatMap((r) => ('ok' in r ? [r.ok] : []));
      expect(stored).toHaveLength(1);
      const refusal = {
        refused: 'INVALID_ARGUMENT',
        details: expect.stringContaining(`already used by booking ${stored[0]!.id}`) as unknown,
      };
      expect(results.filter((r) => !('ok' in r))).toEqual([refusal, refusal]);
      // What a sequential duplicate gets:
      expect(
        await bookingOutcome(
          reservations.createBooking({
            requestId: `cc-${++seq}`,
            booking: booking({ externalReference: reference }),
          }),
        ),
      ).toEqual(refusal);
    }
  });

  it('of two concurrent updates setting one reference on two bookings one succeeds, the other is refused', async () => {
    for (let round = 0; round < 5; round++) {
      const reference = `conc-update-${round}`;
      const pair = [await create(), await create()];
      const results = await Promise.all(
        pair.map((b) =>
          bookingOutcome(
            reservations.updateBooking({
              requestId: `cu-${++seq}`,
              booking: { ...b, externalReference: reference },
              expectedVersion: 1,
            }),
          ),
        ),
      );
      const updated = results.flatMap((r) => ('ok' in r ? [r.ok] : []));
      expect(updated).toHaveLength(1);
      expect(updated[0]).toMatchObject({ externalReference: reference, version: 2 });
      expect(results.filter((r) => !('ok' in r))).toEqual([
        {
          refused: 'INVALID_ARGUMENT',
          details: expect.stringContaining(`already used by booking ${updated[0]!.id}`) as unknown,
        },
      ]);
    }
  });
});

describe('CancelBooking of a cancelled booking', () => {
  it('refuses a stale expected_version with ABORTED; a retried request still answers its first result', async () => {
    const created = await create();
    const first = {
      requestId: `cancel-${++seq}`,
      bookingId: created.id,
      reason: 'moved',
      expectedVersion: 1,
    };
    const cancelled = (await reservations.cancelBooking(first)).booking!;
    expect(cancelled).toMatchObject({ status: BookingStatus.BOOKING_STATUS_CANCELLED, version: 2 });

    await expectStatus(
      reservations.cancelBooking({ ...first, requestId: `cancel-${++seq}` }),
      Status.ABORTED,
    );
    // The same request again (a retry after a lost answer) replays the first answer.
    expect((await reservations.cancelBooking(first)).booking).toEqual(cancelled);
    // With the current version, or none, cancelling again answers the booking unchanged.
    for (const expectedVersion of [2, 0]) {
      const again = await reservations.cancelBooking({
        requestId: `cancel-${++seq}`,
        bookingId: created.id,
        reason: 'again',
        expectedVersion,
      });
      expect(again.booking).toEqual(cancelled);
    }
  });
});

describe('GetReconciliationReport no-shows', () => {
  it('lists a booking without calls only once its booked time is over, by the service clock', async () => {
    const ended = await create({
      customerAccount: 'CB',
      scheduledStart: at(1),
      expectedDurationSeconds: 1800,
    });
    const running = await create({
      customerAccount: 'CB',
      scheduledStart: at(2),
      expectedDurationSeconds: 3600,
    });
    const upcoming = await create({
      customerAccount: 'CB',
      scheduledStart: at(4),
      expectedDurationSeconds: 600,
    });
    const report = () =>
      t.client(BookingServiceDefinition, 'billing').getReconciliationReport({
        period: { startTime: at(0), endTime: at(24) },
        customerAccount: 'CB',
        overrunThresholdSeconds: 0,
      });
    const noShows = async () => (await report()).noShows.map((n) => n.booking!.id);
    try {
      expect(await noShows()).toEqual([]);
      clock.set(at(2.5)); // `ended` ended at 1.5 h; `running` runs until 3 h; `upcoming` starts at 4 h
      expect(await noShows()).toEqual([ended.id]);
      clock.set(at(3)); // the booked end itself: over
      expect(await noShows()).toEqual([ended.id, running.id]);
      clock.set(at(5));
      expect(await noShows()).toEqual([ended.id, running.id, upcoming.id]);
    } finally {
      clock.set(T0);
    }
  });
});

describe('the log line of an unexpected database error', () => {
  it('names the error, SQLSTATE, constraint and table, but not the statement or its values', async () => {
    const row = {
      id: `log-${++seq}`,
      externalReference: 'ref-secret-4711',
      customerAccount: 'CA',
      bridgeId: 'bridge-conc',
      title: 'Secret title',
      scheduledStart: at(2),
      expectedDurationSeconds: 3600,
      timeZone: 'Europe/Stockholm',
      expectedParticipants: 5,
      dialOutNumbers: ['+46812345678'],
      features: [],
      hostCode: '918273',
      participantCode: '56473829',
      status: 'SCHEDULED',
      cancelReason: null,
      version: 1,
      createdAt: T0,
      updatedAt: T0,
    };
    const em = t.service.database.orm.em.fork();
    await em.insert(BookingRecordSchema, row);
    const failure = await em.insert(BookingRecordSchema, row).then(
      () => new Error('the duplicate insert succeeded'),
      (e: unknown) => e as Error,
    );
    // The ORM's own message holds the whole INSERT, values included: what must not be logged.
    expect(failure.message).toContain('918273');

    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const call = {
      method: { path: '/billing.v1.BookingService/CreateBooking' },
      request: {},
      // eslint-disable-next-line require-yield
      *next() {
        throw failure;
      },
    } as unknown as ServerMiddlewareCall<unknown, unknown>;
    const answer = await errorMapperMiddleware(logger)(call, {} as CallContext)
      .next()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(answer).toMatchObject({ code: Status.INTERNAL });

    expect(lines).toHaveLength(1);
    for (const secret of ['918273', '56473829', 'ref-secret-4711', 'Secret title', '+46812345678', row.id])
      expect(lines[0]).not.toContain(secret);
    expect(JSON.parse(lines[0]!) as unknown).toMatchObject({
      msg: 'unexpected error in RPC handler',
      method: '/billing.v1.BookingService/CreateBooking',
      database: {
        class: 'UniqueConstraintViolationException',
        code: '23505',
        constraint: 'bookings_pkey',
        table: 'bookings',
        message: 'duplicate key value violates unique constraint "bookings_pkey"',
        stack: expect.stringContaining('at ') as unknown,
      },
    });
  });
});
