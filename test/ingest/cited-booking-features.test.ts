/**
 * A CDR citing a booking is charged the booked features only when the booking is the call's own:
 * the CDR's customer's, hosted on the CDR's bridge, not cancelled before the call began. Through
 * the service, as a bridge and reservations use it, on a fixed clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { BookingServiceDefinition } from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { RatingStatus } from '../../src/gen/billing/v1/cdr';
import { AccessType, Feature } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { answeredCall } from '../support/answered-call';
import { quotedLocalCall } from '../support/quoted-local-call';
import { plainBooking } from '../support/bookings';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const HOUR = 3_600_000;
const BRIDGE = 'bf-bridge';
/** Bookings are made and one cancelled at T0; their calls begin an hour later and are sent at T0 + 3 h. */
const T0 = new Date('2030-04-01T08:00:00Z');
const clock = new FixedClock(T0);
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ clock });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CITE-A', 'CITE-B']);
});
afterAll(async () => {
  await t?.stop();
});

async function book(requestId: string, customerAccount: string, bridgeId: string): Promise<string> {
  const booking = plainBooking(customerAccount, bridgeId, new Date(T0.getTime() + HOUR), {
    title: 'Board meeting',
    features: [Feature.FEATURE_RECORDING],
  });
  const created = await t
    .client(BookingServiceDefinition, 'reservations')
    .createBooking({ requestId, booking });
  return created.booking!.id;
}

describe('features of a cited booking', () => {
  it("are charged for the customer's own live booking on the call's bridge, and for no other", async () => {
    const own = await book('cite-own', 'CITE-A', BRIDGE);
    const theirs = await book('cite-theirs', 'CITE-B', BRIDGE);
    const theirsElsewhere = await book('cite-theirs-elsewhere', 'CITE-B', 'cite-other-bridge');
    const ownElsewhere = await book('cite-own-elsewhere', 'CITE-A', 'cite-other-bridge');
    const cancelled = await book('cite-cancelled', 'CITE-A', BRIDGE);
    await t.client(BookingServiceDefinition, 'reservations').cancelBooking({
      requestId: 'cite-cancel',
      bookingId: cancelled,
      reason: 'called off',
      expectedVersion: 1,
    });
    clock.set(new Date(T0.getTime() + 3 * HOUR));
    const start = new Date(T0.getTime() + HOUR);
    const leg = (recordId: string, bookingId: string, customerAccount = 'CITE-A') =>
      answeredCall({
        bridgeId: BRIDGE,
        recordId,
        bookingId,
        customerAccount,
        accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
        callerNumber: '+46701234567',
        calledNumber: '+46812345678',
        start,
        seconds: 600,
      });
    const { results } = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'cite',
      cdrs: [
        leg('plain', ''),
        leg('own', own),
        leg('theirs', theirs),
        leg('theirs-elsewhere', theirsElsewhere),
        leg('own-elsewhere', ownElsewhere),
        leg('cancelled', cancelled),
        leg('b-own', theirs, 'CITE-B'),
      ],
    });
    expect(results.every((r) => r.ratingStatus === RatingStatus.RATING_STATUS_RATED)).toBe(true);
    const quote = (features: Feature[]) => quotedLocalCall(t, 'CITE-A', start, features);
    const plain = await quote([]);
    const recorded = await quote([Feature.FEATURE_RECORDING]);
    expect(recorded!.amount).not.toBe(plain!.amount);
    expect(Object.fromEntries(results.map((r) => [r.recordId, r.charge]))).toEqual({
      plain,
      own: recorded,
      theirs: plain,
      'theirs-elsewhere': plain,
      'own-elsewhere': plain,
      cancelled: plain,
      'b-own': recorded,
    });
    // The stored charge explains itself the same way: no recording surcharge for a booking not used.
    const explain = (recordId: string) =>
      t.client(RatingServiceDefinition, 'finance').explainCharge({ cdrKey: { bridgeId: BRIDGE, recordId } });
    const surcharges = async (recordId: string) =>
      (await explain(recordId)).explanation!.surcharges.map((s) => s.feature);
    expect(await surcharges('own')).toContain(Feature.FEATURE_RECORDING);
    expect(await surcharges('theirs')).not.toContain(Feature.FEATURE_RECORDING);
    expect(await surcharges('cancelled')).not.toContain(Feature.FEATURE_RECORDING);
    // A rerate prices them again by the same rule: nothing changes.
    const rerated = await t.client(InvoiceServiceDefinition, 'finance').rerateCharges({
      requestId: 'cite-rerate',
      customerAccount: 'CITE-A',
      period: { startTime: new Date(start.getTime() - HOUR), endTime: new Date(start.getTime() + HOUR) },
      ruleSetHash: '',
      reason: '',
    });
    expect(rerated).toMatchObject({ reratedCount: 6, changedCount: 0 });
    expect(await surcharges('theirs')).not.toContain(Feature.FEATURE_RECORDING);
    expect(await surcharges('own')).toContain(Feature.FEATURE_RECORDING);
  });
});
