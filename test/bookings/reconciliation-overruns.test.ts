/**
 * The reconciliation's overruns are conferences that ran longer than booked (first leg's start to
 * last leg's end, against the booked duration) by more than the threshold, as the contract says:
 * not a conference that started late and ended after its booked end. And a bridge resuming with
 * a cursor this database never handed out is told to resync instead of silently missing events.
 */
import { Status, type Client } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { BookingServiceDefinition, type Booking } from '../../src/gen/billing/v1/booking_service';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { answeredCall } from '../support/answered-call';
import { plainBooking } from '../support/bookings';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

const T0 = new Date('2030-05-06T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const BRIDGE = 'bridge-recon';

let t: TestService;
let reservations: Client<typeof BookingServiceDefinition>;
beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(T0) });
  reservations = t.client(BookingServiceDefinition, 'reservations');
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['RC']);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

let seq = 0;
async function bookedAt(minute: number): Promise<Booking> {
  const booking = plainBooking('RC', BRIDGE, at(minute), { expectedDurationSeconds: 1800 });
  return (await reservations.createBooking({ requestId: `recon-${++seq}`, booking })).booking!;
}

describe('GetReconciliationReport overruns', () => {
  it('lists a conference that ran longer than booked, not one that merely started late', async () => {
    const late = await bookedAt(10); // starts 40 minutes late and runs its 30 minutes
    const early = await bookedAt(120); // starts an hour early and runs 80 minutes: 50 over
    const slight = await bookedAt(300); // runs 35 minutes: 5 over, within the threshold
    const legs = [
      [late, 50, 30],
      [early, 60, 80],
      [slight, 300, 35],
    ] as const;
    const cdrs = legs.map(([booking, from, minutes], i) =>
      answeredCall({
        bridgeId: BRIDGE,
        recordId: `recon-leg-${i}`,
        conferenceId: `conf-${booking.id}`,
        bookingId: booking.id,
        customerAccount: 'RC',
        accessType: AccessType.ACCESS_TYPE_WEB,
        start: at(from),
        seconds: minutes * 60,
      }),
    );
    const submitted = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'recon-cdrs',
      cdrs,
    });
    expect(submitted.results.map((r) => r.outcome)).toEqual(cdrs.map(() => CdrOutcome.CDR_OUTCOME_ACCEPTED));

    const report = await t.client(BookingServiceDefinition, 'billing').getReconciliationReport({
      period: { startTime: at(-60), endTime: at(600) },
      customerAccount: 'RC',
      overrunThresholdSeconds: 600,
    });
    expect(report.overruns.map((o) => [o.booking!.id, o.actualDurationSeconds, o.overrunSeconds])).toEqual([
      [early.id, 4800, 3000],
    ]);
  });
});

describe('WatchBookings from a cursor this database never handed out', () => {
  it('is refused with FAILED_PRECONDITION, telling the bridge to resync', async () => {
    await bookedAt(700);
    const watch = async () => {
      for await (const event of t
        .client(BookingServiceDefinition, 'bridge')
        .watchBookings({ bridgeId: BRIDGE, afterCursor: '1000000000' }))
        return event;
    };
    const refused = await expectStatus(watch(), Status.FAILED_PRECONDITION);
    expect(refused.details).toContain('resync with ListUpcomingBookings');
  });
});
