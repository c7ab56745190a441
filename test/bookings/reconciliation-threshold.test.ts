/**
 * The overrun threshold from the command line (`billing reconcile --threshold`): 0 is no tolerance
 * (in gRPC, where 0 is "unset", it stays the 900 s default), and one the SQL cannot hold is refused.
 * Also the watch's refusal of a cursor this database never handed out, when the store can tell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import type { BookingEvent } from '../../src/app/bookings/booking';
import { watchBookings } from '../../src/app/bookings/watch-bookings';
import { reconcileCsv } from '../../src/cli/reconcile-command';
import { BookingServiceDefinition, type Booking } from '../../src/gen/billing/v1/booking_service';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { answeredCall } from '../support/answered-call';
import { plainBooking } from '../support/bookings';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const T0 = new Date('2030-06-12T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(T0) });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['RT']);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('billing reconcile --threshold', () => {
  let slight: Booking;

  beforeAll(async () => {
    // Booked for 30 minutes, ran 35: five minutes over, inside the default tolerance of 15.
    slight = (
      await t.client(BookingServiceDefinition, 'reservations').createBooking({
        requestId: 'rt-slight',
        booking: plainBooking('RT', 'bridge-recon', at(10), { expectedDurationSeconds: 1800 }),
      })
    ).booking!;
    const call = answeredCall({
      bridgeId: 'bridge-recon',
      recordId: 'rt-1',
      conferenceId: 'rt-conf',
      bookingId: slight.id,
      customerAccount: 'RT',
      accessType: AccessType.ACCESS_TYPE_WEB,
      start: at(10),
      seconds: 35 * 60,
    });
    const r = await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'rt-cdrs', cdrs: [call] });
    expect(r.results.map((x) => x.outcome)).toEqual([CdrOutcome.CDR_OUTCOME_ACCEPTED]);
  });

  const csv = async (thresholdSeconds?: number) => {
    let out = '';
    await reconcileCsv(
      t.service.database,
      { period: '2030-06', customer: 'RT', thresholdSeconds },
      (c) => (out += c),
    );
    return out;
  };

  it('0 is no tolerance; without the option the default 900 s forgives five minutes', async () => {
    expect(await csv(0)).toContain(`overrun,${slight.id}`);
    expect(await csv(undefined)).not.toContain(`overrun,${slight.id}`);
  });

  it('refuses a threshold the report cannot use, with a validation error (not a database error)', async () => {
    await expect(csv(3_000_000_000)).rejects.toMatchObject({ name: 'ValidationError' });
  });
});

describe('WatchBookings with a cursor this database never handed out', () => {
  const never = new AbortController().signal;
  const store = (newest: string) => ({
    eventsAfter: (): Promise<BookingEvent[]> => Promise.resolve([]),
    newestCursor: () => Promise.resolve(newest),
  });

  it('is refused when the store can name its newest event; a cursor at or below it is fine', async () => {
    await expect(
      watchBookings({ bookings: store('41') }, { bridgeId: 'b', afterCursor: '42' }, never, never).next(),
    ).rejects.toThrow(/ahead of the newest event \(41\)/);
    await expect(
      watchBookings({ bookings: store('') }, { bridgeId: 'b', afterCursor: '1' }, never, never).next(),
    ).rejects.toThrow(/ahead of the newest event \(none\)/);
    const stop = new AbortController();
    const watching = watchBookings(
      { bookings: store('42'), pollMs: 5 },
      { bridgeId: 'b', afterCursor: '42' },
      stop.signal,
      never,
    );
    setTimeout(() => stop.abort(), 20);
    expect((await watching.next()).done).toBe(true);
  });
});
