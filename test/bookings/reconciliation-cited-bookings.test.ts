/**
 * A call citing a booking is that booking's conference only when the booking is plainly its own:
 * the same customer account, the same bridge, and not cancelled (pricing adds a booking's features
 * on the same rule, src/domain/cited-booking.ts). The reconciliation report follows that rule, so
 * a conference held on a cancelled booking, or citing another customer's, is listed with the
 * reason, and a call from elsewhere neither spares a booking from the no-shows nor makes it run over.
 */
import type { Client } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import {
  BookingMismatch,
  BookingServiceDefinition,
  type Booking,
} from '../../src/gen/billing/v1/booking_service';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { reconcileCsv } from '../../src/cli/reconcile-command';
import { answeredCall } from '../support/answered-call';
import { plainBooking } from '../support/bookings';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const T0 = new Date('2030-06-03T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const BRIDGE = 'bridge-recon';
const OTHER_BRIDGE = 'bridge-1';

const clock = new FixedClock(at(-60));
let t: TestService;
let reservations: Client<typeof BookingServiceDefinition>;
beforeAll(async () => {
  t = await startTestService({ clock });
  reservations = t.client(BookingServiceDefinition, 'reservations');
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CITE-A', 'CITE-B']);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

let seq = 0;
async function bookedAt(customer: string, minute: number, bridge = BRIDGE): Promise<Booking> {
  const booking = plainBooking(customer, bridge, at(minute), { expectedDurationSeconds: 1800 });
  return (await reservations.createBooking({ requestId: `cite-${++seq}`, booking })).booking!;
}

function leg(conferenceId: string, bookingId: string, from: number, minutes: number, bridge = BRIDGE) {
  return answeredCall({
    bridgeId: bridge,
    recordId: `cite-leg-${++seq}`,
    conferenceId,
    bookingId,
    customerAccount: 'CITE-A',
    accessType: AccessType.ACCESS_TYPE_WEB,
    start: at(from),
    seconds: minutes * 60,
  });
}

describe('GetReconciliationReport and the bookings calls cite', () => {
  it('lists calls on a booking not their own as unbooked, with the reason', async () => {
    const own = await bookedAt('CITE-A', 0);
    const cancelled = await bookedAt('CITE-A', 60);
    await reservations.cancelBooking({ requestId: `cite-${++seq}`, bookingId: cancelled.id, reason: 'off' });
    const othersBooking = await bookedAt('CITE-B', 120);
    const elsewhere = await bookedAt('CITE-A', 180, OTHER_BRIDGE);
    const cdrs = [
      leg('conf-own', own.id, 0, 30),
      leg('conf-cancelled', cancelled.id, 60, 45), // held anyway, 15 minutes over its booking
      leg('conf-foreign', othersBooking.id, 120, 50), // CITE-A citing CITE-B's booking
      leg('conf-moved', elsewhere.id, 180, 60), // on BRIDGE, citing a booking hosted on OTHER_BRIDGE
      leg('conf-adhoc', '', 240, 10),
      leg('conf-typo', 'no-such-booking', 300, 5),
    ];
    const submitted = await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'cite-cdrs', cdrs });
    expect(submitted.results.map((r) => r.outcome)).toEqual(cdrs.map(() => CdrOutcome.CDR_OUTCOME_ACCEPTED));

    // A day later every booking above is over: each without a call of its own is a no-show.
    clock.set(at(24 * 60));
    const report = await t.client(BookingServiceDefinition, 'billing').getReconciliationReport({
      period: { startTime: at(-60), endTime: at(600) },
      customerAccount: '',
      overrunThresholdSeconds: 60,
    });
    expect(
      report.callsWithoutBooking.map((c) => [c.conferenceId, c.unknownBookingId, c.bookingMismatch]),
    ).toEqual([
      ['conf-cancelled', cancelled.id, BookingMismatch.BOOKING_MISMATCH_CANCELLED],
      ['conf-foreign', othersBooking.id, BookingMismatch.BOOKING_MISMATCH_OTHER_CUSTOMER],
      ['conf-moved', elsewhere.id, BookingMismatch.BOOKING_MISMATCH_OTHER_BRIDGE],
      ['conf-adhoc', '', BookingMismatch.BOOKING_MISMATCH_NONE_CITED],
      ['conf-typo', 'no-such-booking', BookingMismatch.BOOKING_MISMATCH_UNKNOWN],
    ]);
    // Nobody held CITE-B's conference or the one booked on the other bridge: calls citing them do not count.
    expect(report.noShows.map((n) => n.booking!.id)).toEqual([othersBooking.id, elsewhere.id]);
    // The conference held on the cancelled booking ran 45 minutes; it is unbooked, not an overrun.
    expect(report.overruns).toEqual([]);

    let csv = '';
    await reconcileCsv(t.service.database, { period: '2030-06' }, (chunk) => (csv += chunk));
    const rows = csv.split('\r\n').filter(Boolean);
    expect(rows[0]!.split(',').at(-1)).toBe('booking_mismatch');
    expect(rows.filter((r) => r.startsWith('call_without_booking')).map((r) => r.split(',').at(-1))).toEqual([
      'CANCELLED',
      'OTHER_CUSTOMER',
      'OTHER_BRIDGE',
      'NONE_CITED',
      'UNKNOWN',
    ]);
  });
});
