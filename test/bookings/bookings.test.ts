/**
 * Reservations and the bridge over a real socket: bookings validated and stored once per request
 * id; the bridge's stream receives every change in order and resumes from its cursor; the
 * reconciliation report finds no-shows, unbooked calls and overruns in CDRs the bridge submitted.
 */
import { Status, type Client } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BookingEventType,
  BookingServiceDefinition,
  BookingStatus,
  type Booking,
  type BookingEvent,
} from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType, Feature } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { reconcileCsv } from '../../src/cli/reconcile-command';
import { expectStatus } from '../support/expect-status';
import { ratesFileForToday } from '../support/exchange-rates';
import { startTestService, type TestService } from '../support/test-service';

/** The system clock, moved ahead by `aheadMs` where a test needs a later "now" (the report's no-shows). */
const clock = { aheadMs: 0, now: () => new Date(Date.now() + clock.aheadMs) };
let t: TestService;
let reservations: Client<typeof BookingServiceDefinition>;
beforeAll(async () => {
  t = await startTestService({ clock, env: { BILLING_EXCHANGE_RATES_FILE: ratesFileForToday() } });
  reservations = t.client(BookingServiceDefinition, 'reservations');
  for (const id of ['ACME', 'GLOBEX']) {
    await t.client(CustomerServiceDefinition, 'sales').upsertCustomer({
      requestId: `cust-${id}`,
      customer: {
        externalId: id,
        name: id,
        billingAddress: { lines: ['Main St 1'], postalCode: '111 11', city: 'Stockholm', countryCode: 'SE' },
        email: `billing@${id.toLowerCase()}.example`,
        vatNumber: '',
        countryCode: 'SE',
        currencyCode: 'SEK',
        timeZone: 'Europe/Stockholm',
        paymentTermsDays: 30,
        registrationNumber: '',
        version: 0,
      },
    });
  }
});
afterAll(async () => {
  await t?.stop();
});

const HOUR = 3600_000;
let seq = 0;

function booking(overrides: Partial<Booking> = {}): Booking {
  return {
    id: '',
    externalReference: '',
    customerAccount: 'ACME',
    bridgeId: 'bridge-sto-1',
    title: 'Q3 results call',
    scheduledStart: new Date(Date.now() + 2 * HOUR),
    expectedDurationSeconds: 3600,
    timeZone: '',
    expectedParticipants: 5,
    dialOutNumbers: ['+46812345678'],
    features: [Feature.FEATURE_RECORDING],
    hostCode: '',
    participantCode: '',
    status: BookingStatus.BOOKING_STATUS_UNSPECIFIED,
    cancelReason: '',
    version: 0,
    ...overrides,
  };
}

async function create(overrides: Partial<Booking> = {}): Promise<Booking> {
  const response = await reservations.createBooking({
    requestId: `create-${++seq}`,
    booking: booking(overrides),
  });
  return response.booking!;
}

/** Opens a watch stream and collects events until `count` arrived, then disconnects. */
async function watch(bridgeId: string, afterCursor: string, count: number): Promise<BookingEvent[]> {
  const controller = new AbortController();
  const events: BookingEvent[] = [];
  const timeout = setTimeout(() => controller.abort(), 10_000);
  try {
    for await (const message of t
      .client(BookingServiceDefinition, 'bridge')
      .watchBookings({ bridgeId, afterCursor }, { signal: controller.signal })) {
      events.push(message.event!);
      if (events.length === count) break;
    }
  } finally {
    clearTimeout(timeout);
  }
  return events;
}

describe('CreateBooking', () => {
  it('stores the booking with generated access codes and the customer zone', async () => {
    const created = await create();
    expect(created.id).not.toBe('');
    expect(created).toMatchObject({
      status: BookingStatus.BOOKING_STATUS_SCHEDULED,
      version: 1,
      timeZone: 'Europe/Stockholm',
      features: [Feature.FEATURE_RECORDING],
    });
    expect(created.hostCode).toMatch(/^\d{6}$/);
    expect(created.participantCode).toMatch(/^\d{8}$/);
    const got = await t.client(BookingServiceDefinition, 'bridge').getBooking({ bookingId: created.id });
    expect(got.booking).toEqual(created);
  });

  it('refuses unknown customers, past starts, bad numbers, no participants and no duration with precise errors', async () => {
    const cases: [Partial<Booking>, string][] = [
      [{ customerAccount: 'NOBODY' }, 'booking.customer_account: unknown customer "NOBODY"'],
      [{ scheduledStart: new Date(Date.now() - HOUR) }, 'booking.scheduled_start'],
      [{ dialOutNumbers: ['+46812345678', '0812345678'] }, 'booking.dial_out_numbers[1]'],
      [{ expectedParticipants: 0 }, 'booking.expected_participants'],
      [{ expectedDurationSeconds: 0 }, 'booking.expected_duration_seconds'],
      [{ timeZone: 'Europe/Atlantis' }, 'booking.time_zone'],
      [{ features: [Feature.FEATURE_UNSPECIFIED] }, 'booking.features[0]'],
    ];
    for (const [overrides, expected] of cases) {
      const error = await expectStatus(
        reservations.createBooking({ requestId: `bad-${++seq}`, booking: booking(overrides) }),
        Status.INVALID_ARGUMENT,
      );
      expect(error.details).toContain(expected);
    }
    await expectStatus(
      reservations.createBooking({ requestId: '', booking: booking() }),
      Status.INVALID_ARGUMENT,
    );
  });

  it('a retried request id returns the first result and creates nothing new; reused for another request it is refused', async () => {
    const first = await reservations.createBooking({
      requestId: 'same-request',
      booking: booking({ bridgeId: 'bridge-retry' }),
    });
    const again = await reservations.createBooking({
      requestId: 'same-request',
      booking: booking({ bridgeId: 'bridge-retry', scheduledStart: first.booking!.scheduledStart }),
    });
    // The request differs only if the client changed it; this one is byte-for-byte the same.
    expect(again).toEqual(first);
    const listed = await reservations.listUpcomingBookings({ bridgeId: 'bridge-retry' });
    expect(listed.bookings.map((b) => b.id)).toEqual([first.booking!.id]);
    const error = await expectStatus(
      reservations.createBooking({
        requestId: 'same-request',
        booking: booking({ bridgeId: 'bridge-retry', title: 'another' }),
      }),
      Status.FAILED_PRECONDITION,
    );
    expect(error.details).toContain('already used for a different');
  });
});

describe('UpdateBooking and CancelBooking', () => {
  it('bumps the version, refuses stale versions, and a cancelled booking cannot be updated', async () => {
    const created = await create({ bridgeId: 'bridge-upd' });
    const updated = await reservations.updateBooking({
      requestId: `u-${++seq}`,
      booking: { ...created, title: 'Renamed' },
      expectedVersion: 1,
    });
    expect(updated.booking).toMatchObject({ title: 'Renamed', version: 2, hostCode: created.hostCode });
    await expectStatus(
      reservations.updateBooking({
        requestId: `u-${++seq}`,
        booking: { ...created, title: 'Late' },
        expectedVersion: 1,
      }),
      Status.ABORTED,
    );
    const cancelled = await reservations.cancelBooking({
      requestId: `c-${++seq}`,
      bookingId: created.id,
      reason: 'customer asked',
    });
    expect(cancelled.booking).toMatchObject({
      status: BookingStatus.BOOKING_STATUS_CANCELLED,
      cancelReason: 'customer asked',
      version: 3,
    });
    const twice = await reservations.cancelBooking({
      requestId: `c-${++seq}`,
      bookingId: created.id,
      reason: 'again',
    });
    expect(twice.booking).toEqual(cancelled.booking);
    await expectStatus(
      reservations.updateBooking({ requestId: `u-${++seq}`, booking: { ...created, title: 'Zombie' } }),
      Status.FAILED_PRECONDITION,
    );
    await expectStatus(
      reservations.cancelBooking({ requestId: `c-${++seq}`, bookingId: 'no-such-booking', reason: '' }),
      Status.NOT_FOUND,
    );
  });

  it('lists upcoming bookings of a bridge soonest first, with page tokens', async () => {
    const base = Date.now() + 5 * HOUR;
    const ids = [];
    for (const offset of [3, 1, 2])
      ids[offset - 1] = (
        await create({ bridgeId: 'bridge-list', scheduledStart: new Date(base + offset * HOUR) })
      ).id;
    const first = await t
      .client(BookingServiceDefinition, 'bridge')
      .listUpcomingBookings({ bridgeId: 'bridge-list', pageSize: 2 });
    const second = await t
      .client(BookingServiceDefinition, 'bridge')
      .listUpcomingBookings({ bridgeId: 'bridge-list', pageSize: 2, pageToken: first.nextPageToken });
    expect([...first.bookings, ...second.bookings].map((b) => b.id)).toEqual(ids);
    expect(second.nextPageToken).toBe('');
  });
});

describe('WatchBookings', () => {
  it('the bridge receives a new booking, and after a disconnect resumes from its cursor with exactly the missed changes, in order', async () => {
    const bridge = 'bridge-watch';
    const stream = watch(bridge, '', 1);
    await new Promise((r) => setTimeout(r, 300)); // the stream is open and idle before the booking exists
    const created = await create({ bridgeId: bridge });
    const [event] = await stream;
    expect(event).toMatchObject({
      type: BookingEventType.BOOKING_EVENT_TYPE_CREATED,
      booking: { id: created.id, bridgeId: bridge },
    });
    expect(event!.cursor).not.toBe('');

    // Disconnected: three changes happen meanwhile (and one on another bridge the watcher must not see).
    const second = await create({ bridgeId: bridge, title: 'second' });
    await create({ bridgeId: 'bridge-elsewhere' });
    const updated = (
      await reservations.updateBooking({
        requestId: `w-${++seq}`,
        booking: { ...created, title: 'moved up' },
      })
    ).booking!;
    const cancelled = (
      await reservations.cancelBooking({
        requestId: `w-${++seq}`,
        bookingId: second.id,
        reason: 'double booked',
      })
    ).booking!;

    const resumed = await watch(bridge, event!.cursor, 3);
    expect(resumed.map((e) => [e.type, e.booking!.id, e.booking!.version])).toEqual([
      [BookingEventType.BOOKING_EVENT_TYPE_CREATED, second.id, 1],
      [BookingEventType.BOOKING_EVENT_TYPE_UPDATED, updated.id, 2],
      [BookingEventType.BOOKING_EVENT_TYPE_CANCELLED, cancelled.id, 2],
    ]);
    const cursors = resumed.map((e) => BigInt(e.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
    expect(cursors[0]! > BigInt(event!.cursor)).toBe(true);

    // From the last cursor there is nothing more: a short watch sees no event.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 600);
    const more: BookingEvent[] = [];
    await expect(
      (async () => {
        for await (const m of t
          .client(BookingServiceDefinition, 'bridge')
          .watchBookings(
            { bridgeId: bridge, afterCursor: resumed[2]!.cursor },
            { signal: controller.signal },
          ))
          more.push(m.event!);
      })(),
    ).rejects.toThrow();
    expect(more).toEqual([]);
  });

  it('a booking moved to another bridge is sent to the old bridge once more, to drop it', async () => {
    const created = await create({ bridgeId: 'bridge-old' });
    await reservations.updateBooking({
      requestId: `m-${++seq}`,
      booking: { ...created, bridgeId: 'bridge-new', title: 'moved and renamed' },
    });
    const old = await watch('bridge-old', '', 2);
    expect(old.map((e) => [e.type, e.booking!.bridgeId, e.booking!.title, e.booking!.version])).toEqual([
      [BookingEventType.BOOKING_EVENT_TYPE_CREATED, 'bridge-old', created.title, 1],
      [BookingEventType.BOOKING_EVENT_TYPE_MOVED_AWAY, 'bridge-old', created.title, 2],
    ]);
    const fresh = await watch('bridge-new', '', 1);
    expect(fresh.map((e) => [e.type, e.booking!.id, e.booking!.title])).toEqual([
      [BookingEventType.BOOKING_EVENT_TYPE_UPDATED, created.id, 'moved and renamed'],
    ]);
  });

  it('two bookings moved between two bridges in opposite directions at once both commit', async () => {
    let [a, b] = await Promise.all([create({ bridgeId: 'bridge-x' }), create({ bridgeId: 'bridge-y' })]);
    for (let round = 0; round < 5; round++) {
      const [movedA, movedB] = await Promise.all([
        reservations.updateBooking({ requestId: `swap-a-${++seq}`, booking: { ...a, bridgeId: b.bridgeId } }),
        reservations.updateBooking({ requestId: `swap-b-${++seq}`, booking: { ...b, bridgeId: a.bridgeId } }),
      ]);
      [a, b] = [movedA.booking!, movedB.booking!];
    }
    expect([a.bridgeId, b.bridgeId]).toEqual(['bridge-y', 'bridge-x']);
  });

  it('refuses a cursor it did not issue', async () => {
    await expectStatus(watch('bridge-watch', 'not-a-cursor', 1), Status.INVALID_ARGUMENT);
  });
});

describe('roles', () => {
  it('only reservations changes bookings; only the bridge watches', async () => {
    await expectStatus(
      t.client(BookingServiceDefinition, 'bridge').createBooking({ requestId: 'x', booking: booking() }),
      Status.PERMISSION_DENIED,
    );
    await expectStatus(
      t
        .client(BookingServiceDefinition, 'sales')
        .cancelBooking({ requestId: 'x', bookingId: 'x', reason: '' }),
      Status.PERMISSION_DENIED,
    );
    await expectStatus(
      (async () => {
        for await (const _ of t
          .client(BookingServiceDefinition, 'reservations')
          .watchBookings({ bridgeId: 'b', afterCursor: '' }))
          break;
      })(),
      Status.PERMISSION_DENIED,
    );
  });
});

describe('GetReconciliationReport', () => {
  it('finds a planted no-show, an unbooked call and an overrun among CDRs the bridge submitted', async () => {
    const bridge = 'bridge-recon';
    const t0 = new Date(Math.ceil((Date.now() + 10 * 60_000) / 60_000) * 60_000);
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const onTime = await create({
      customerAccount: 'GLOBEX',
      bridgeId: bridge,
      scheduledStart: at(0),
      expectedDurationSeconds: 1800,
    });
    const overrun = await create({
      customerAccount: 'GLOBEX',
      bridgeId: bridge,
      scheduledStart: at(60),
      expectedDurationSeconds: 1800,
    });
    const noShow = await create({
      customerAccount: 'GLOBEX',
      bridgeId: bridge,
      scheduledStart: at(120),
      expectedDurationSeconds: 1800,
    });
    const cancelledNoShow = await create({
      customerAccount: 'GLOBEX',
      bridgeId: bridge,
      scheduledStart: at(150),
    });
    await reservations.cancelBooking({
      requestId: `rc-${++seq}`,
      bookingId: cancelledNoShow.id,
      reason: 'off',
    });
    // Without calls too, but not over when the report is asked for (below): no no-shows yet.
    await create({
      customerAccount: 'GLOBEX',
      bridgeId: bridge,
      scheduledStart: at(140),
      expectedDurationSeconds: 1800,
    });
    await create({ customerAccount: 'GLOBEX', bridgeId: bridge, scheduledStart: at(200) });

    let record = 0;
    const leg = (conferenceId: string, bookingId: string, from: number, to: number): Cdr => ({
      bridgeId: bridge,
      recordId: `r-${++record}`,
      conferenceId,
      bookingId,
      customerAccount: 'GLOBEX',
      accessType: AccessType.ACCESS_TYPE_WEB,
      callerNumber: '',
      calledNumber: '',
      startTime: at(from),
      answerTime: at(from),
      endTime: at(to),
      durationSeconds: (to - from) * 60,
      features: [],
    });
    const cdrs = [
      leg('conf-ontime', onTime.id, 0, 25),
      leg('conf-ontime', onTime.id, 1, 30),
      leg('conf-over', overrun.id, 60, 80),
      leg('conf-over', overrun.id, 62, 60 + 30 + 20), // ends 20 minutes after the booked end
      leg('conf-adhoc', '', 30, 40),
      leg('conf-adhoc', '', 31, 41),
      leg('conf-typo', 'no-such-booking', 45, 50),
    ];
    const submitted = await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'recon-cdrs', cdrs });
    expect(submitted.results.map((r) => r.outcome)).toEqual(cdrs.map(() => CdrOutcome.CDR_OUTCOME_ACCEPTED));

    // The report is asked for at minute 160: after the no-show's booked end (150), while the booking
    // of minute 140 still runs and before the one of minute 200.
    clock.aheadMs = at(160).getTime() - Date.now();
    const report = await t.client(BookingServiceDefinition, 'billing').getReconciliationReport({
      period: { startTime: at(-60), endTime: at(240) },
      customerAccount: 'GLOBEX',
      overrunThresholdSeconds: 0,
    });
    expect(report.noShows.map((n) => n.booking!.id)).toEqual([noShow.id]);
    expect(
      report.callsWithoutBooking.map((c) => [c.conferenceId, c.unknownBookingId, c.legCount, c.minutes]),
    ).toEqual([
      ['conf-adhoc', '', 2, '20.00'],
      ['conf-typo', 'no-such-booking', 1, '5.00'],
    ]);
    expect(report.overruns).toHaveLength(1);
    expect(report.overruns[0]).toMatchObject({
      booking: { id: overrun.id },
      actualStartTime: at(60),
      actualEndTime: at(110),
      actualDurationSeconds: 3000,
      overrunSeconds: 1200,
    });
    expect(report.truncated).toBe(false);

    // A generous threshold forgives the 20 minutes; another customer sees none of it.
    const lenient = await t.client(BookingServiceDefinition, 'finance').getReconciliationReport({
      period: { startTime: at(-60), endTime: at(240) },
      customerAccount: 'GLOBEX',
      overrunThresholdSeconds: 1500,
    });
    expect(lenient.overruns).toEqual([]);
    const other = await t.client(BookingServiceDefinition, 'sales').getReconciliationReport({
      period: { startTime: at(-60), endTime: at(240) },
      customerAccount: 'ACME',
      overrunThresholdSeconds: 0,
    });
    expect(other.noShows.every((n) => n.booking!.customerAccount === 'ACME')).toBe(true);
    expect([other.callsWithoutBooking.length, other.overruns.length]).toEqual([0, 0]);
    await expectStatus(
      t
        .client(BookingServiceDefinition, 'billing')
        .getReconciliationReport({ customerAccount: '', overrunThresholdSeconds: 0 }),
      Status.INVALID_ARGUMENT,
    );

    // The same report from the command line, for the month of the planted data (UTC). It judges
    // "now" by the system clock, by which no planted booking is over yet: no no-shows.
    clock.aheadMs = 0;
    const month = at(0).toISOString().slice(0, 7);
    const inMonth = (d: Date) => d.toISOString().slice(0, 7) === month;
    let csv = '';
    await reconcileCsv(
      t.service.database,
      { period: month, customer: 'GLOBEX', thresholdSeconds: 1 },
      (chunk) => (csv += chunk),
    );
    const kinds = csv
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split(',').slice(0, 2).join(','));
    const expected = [
      ...(inMonth(at(30)) ? ['call_without_booking,'] : []),
      ...(inMonth(at(45)) ? ['call_without_booking,'] : []),
      ...(inMonth(at(60)) ? [`overrun,${overrun.id}`] : []),
    ];
    expect(kinds).toEqual(expected);
  });
});
