/**
 * The overrun threshold from the command line (`billing reconcile --threshold`): 0 is no tolerance
 * (in gRPC, where 0 is "unset", it stays the 900 s default), and one the SQL cannot hold is refused.
 * Also the watch's refusal of a cursor this database never handed out, when the store can tell.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BookingServiceDefinition,
  BookingStatus,
  type Booking,
} from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { reconcileCsv } from '../../src/cli/reconcile-command';
import { watchBookings } from '../../src/app/bookings/watch-bookings';
import type { BookingEvent } from '../../src/app/bookings/booking';
import { ratesFileForToday } from '../support/exchange-rates';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ env: { BILLING_EXCHANGE_RATES_FILE: ratesFileForToday() } });
  await t.client(CustomerServiceDefinition, 'sales').upsertCustomer({
    requestId: 'cust-RT',
    customer: {
      externalId: 'RT',
      name: 'RT',
      billingAddress: { lines: ['Main St 1'], postalCode: '111 11', city: 'Stockholm', countryCode: 'SE' },
      email: 'billing@rt.example',
      vatNumber: '',
      countryCode: 'SE',
      currencyCode: 'SEK',
      timeZone: 'Europe/Stockholm',
      paymentTermsDays: 30,
      registrationNumber: '',
      version: 0,
    },
  });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('billing reconcile --threshold', () => {
  const t0 = new Date(Math.ceil((Date.now() + 10 * 60_000) / 60_000) * 60_000);
  const at = (m: number) => new Date(t0.getTime() + m * 60_000);
  const month = at(0).toISOString().slice(0, 7);
  let slight: Booking;

  beforeAll(async () => {
    // Booked for 30 minutes, ran 35: five minutes over, inside the default tolerance of 15.
    slight = (
      await t.client(BookingServiceDefinition, 'reservations').createBooking({
        requestId: 'rt-slight',
        booking: {
          id: '',
          externalReference: '',
          customerAccount: 'RT',
          bridgeId: 'bridge-recon',
          title: 'slight',
          scheduledStart: at(0),
          expectedDurationSeconds: 1800,
          timeZone: '',
          expectedParticipants: 2,
          dialOutNumbers: [],
          features: [],
          hostCode: '',
          participantCode: '',
          status: BookingStatus.BOOKING_STATUS_UNSPECIFIED,
          cancelReason: '',
          version: 0,
        },
      })
    ).booking!;
    const cdr: Cdr = {
      bridgeId: 'bridge-recon',
      recordId: 'rt-1',
      conferenceId: 'rt-conf',
      bookingId: slight.id,
      customerAccount: 'RT',
      accessType: AccessType.ACCESS_TYPE_WEB,
      callerNumber: '',
      calledNumber: '',
      startTime: at(0),
      answerTime: at(0),
      endTime: at(35),
      durationSeconds: 35 * 60,
      features: [],
    };
    const r = await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'rt-cdrs', cdrs: [cdr] });
    expect(r.results.map((x) => x.outcome)).toEqual([CdrOutcome.CDR_OUTCOME_ACCEPTED]);
  });

  const csv = async (thresholdSeconds?: number) => {
    let out = '';
    await reconcileCsv(
      t.service.database,
      { period: month, customer: 'RT', thresholdSeconds },
      (c) => (out += c),
    );
    return out;
  };

  it('0 is no tolerance; without the option the default 900 s forgives five minutes', async () => {
    if (at(35).toISOString().slice(0, 7) !== month) return; // the planted call straddles a month end
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
