/**
 * A booking cancelled after its conference was held (reservations tidying up past bookings, or a
 * conference cancelled while it ran) was booked for the calls that had begun: their booked
 * features were provided and are charged, also when their CDRs arrive after the cancellation. A
 * call begun after the cancellation is not charged them, and the reconciliation agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { BookingServiceDefinition } from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { RatingStatus } from '../../src/gen/billing/v1/cdr';
import { AccessType, Feature } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { answeredCall } from '../support/answered-call';
import { quotedLocalCall } from '../support/quoted-local-call';
import { plainBooking } from '../support/bookings';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const T0 = new Date('2030-09-02T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const BRIDGE = 'bf-bridge';
const clock = new FixedClock(at(-60));

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ clock });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['TIDY']);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('a booking cancelled after its conference began', () => {
  it('still charges the booked features of calls begun before the cancellation', async () => {
    const reservations = t.client(BookingServiceDefinition, 'reservations');
    const { booking } = await reservations.createBooking({
      requestId: 'tidy-book',
      booking: plainBooking('TIDY', BRIDGE, at(0), { features: [Feature.FEATURE_RECORDING] }),
    });
    // Cancelled 40 minutes into the hour it was booked for; the bridge sends its CDRs afterwards.
    clock.set(at(40));
    await reservations.cancelBooking({ requestId: 'tidy-cancel', bookingId: booking!.id, reason: 'tidy' });
    clock.set(at(120));
    const leg = (recordId: string, start: Date) =>
      answeredCall({
        bridgeId: BRIDGE,
        recordId,
        conferenceId: 'tidy-conf',
        bookingId: booking!.id,
        customerAccount: 'TIDY',
        accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
        callerNumber: '+46701234567',
        calledNumber: '+46812345678',
        start,
        seconds: 600,
      });
    const { results } = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'tidy-cdrs',
      cdrs: [leg('before', at(0)), leg('after', at(45))],
    });
    expect(results.map((r) => r.ratingStatus)).toEqual([
      RatingStatus.RATING_STATUS_RATED,
      RatingStatus.RATING_STATUS_RATED,
    ]);
    const quote = (start: Date, features: Feature[]) => quotedLocalCall(t, 'TIDY', start, features);
    const withRecording = await quote(at(0), [Feature.FEATURE_RECORDING]);
    expect(withRecording!.amount).not.toBe((await quote(at(0), []))!.amount);
    expect(results.map((r) => r.charge)).toEqual([withRecording, await quote(at(45), [])]);

    // The conference began while booked: the booking is no no-show, and only the later call is unbooked.
    const report = await t.client(BookingServiceDefinition, 'billing').getReconciliationReport({
      period: { startTime: at(-60), endTime: at(120) },
      customerAccount: 'TIDY',
      overrunThresholdSeconds: 0,
    });
    expect(report.noShows).toEqual([]);
    expect(report.callsWithoutBooking.map((c) => [c.firstStartTime, c.legCount])).toEqual([[at(45), 1]]);
  });
});
