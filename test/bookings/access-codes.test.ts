/**
 * A bridge admits callers by the code they dial: two of its bookings within an hour of each other
 * never share a code, whoever chose it, and a refused change leaves the stored booking as it was.
 */
import type { Client } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { accessCodesFor } from '../../src/app/bookings/access-codes';
import type { BookingTransaction } from '../../src/app/bookings/ports';
import { BookingServiceDefinition, type Booking } from '../../src/gen/billing/v1/booking_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { bookingOutcome, plainBooking } from '../support/bookings';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const T0 = new Date('2030-03-04T09:00:00Z');
const HOUR = 3600_000;
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);
const CODES = { hostCode: '424242', participantCode: '31415926' };

let t: TestService;
let reservations: Client<typeof BookingServiceDefinition>;
beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(T0) });
  reservations = t.client(BookingServiceDefinition, 'reservations');
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CODES-A', 'CODES-B']);
});
afterAll(async () => {
  await t?.stop();
});

let seq = 0;
/** One hour from `start` hours after T0, on `bridge`. */
function booking(bridge: string, start: number, overrides: Partial<Booking> = {}): Booking {
  return plainBooking('CODES-A', bridge, at(start), overrides);
}

const create = (b: Booking) =>
  bookingOutcome(reservations.createBooking({ requestId: `codes-${++seq}`, booking: b }));

describe('access codes on one bridge', () => {
  it("refuses a code of another booking within an hour of the booking's time, as host or participant", async () => {
    const first = await create(booking('codes-bridge', 10, CODES));
    expect(first).toMatchObject({ ok: CODES });

    // 10:00-11:00 taken; 11:30 is within the hour after it; host and participant codes are one space.
    for (const clash of [
      { start: 10.5, codes: { hostCode: CODES.hostCode } },
      { start: 11.5, codes: { participantCode: CODES.participantCode } },
      { start: 8.5, codes: { hostCode: CODES.participantCode.slice(0, 6), participantCode: CODES.hostCode } },
    ]) {
      const refused = await create(booking('codes-bridge', clash.start, clash.codes));
      expect(refused).toMatchObject({ refused: 'INVALID_ARGUMENT' });
      expect((refused as { details: string }).details).toContain(
        'access code of another booking on bridge codes-bridge',
      );
    }

    // Two hours apart, on another bridge, or for another customer on another bridge: free.
    expect(await create(booking('codes-bridge', 12.5, CODES))).toMatchObject({ ok: CODES });
    expect(await create(booking('codes-other-bridge', 10, CODES))).toMatchObject({ ok: CODES });
  });

  it('refuses to move a booking next to one with its codes, and stores nothing of the move', async () => {
    const early = await create(booking('codes-move', 20, CODES));
    const late = await create(booking('codes-move', 30, CODES));
    if (!('ok' in early) || !('ok' in late)) throw new Error('both bookings should be stored');

    const moved = await bookingOutcome(
      reservations.updateBooking({
        requestId: `codes-${++seq}`,
        booking: { ...late.ok, scheduledStart: at(20.5) },
        expectedVersion: late.ok.version,
      }),
    );
    expect(moved).toMatchObject({ refused: 'INVALID_ARGUMENT' });
    expect((moved as { details: string }).details).toContain('booking.host_code');
    const stored = (await reservations.getBooking({ bookingId: late.ok.id })).booking!;
    expect(stored).toMatchObject({ scheduledStart: at(30), version: late.ok.version });

    // A cancelled booking's codes are free again.
    await reservations.cancelBooking({
      requestId: `codes-${++seq}`,
      bookingId: early.ok.id,
      reason: 'moved',
      expectedVersion: early.ok.version,
    });
    const movedAfter = await bookingOutcome(
      reservations.updateBooking({
        requestId: `codes-${++seq}`,
        booking: { ...late.ok, scheduledStart: at(20.5) },
        expectedVersion: late.ok.version,
      }),
    );
    expect(movedAfter).toMatchObject({ ok: { ...CODES, scheduledStart: at(20.5) } });
  });

  it('of concurrent creates with one code at one time on one bridge, one is stored', async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(
        [0, 1, 2].map(() => create(booking(`codes-race-${round}`, 40, CODES))),
      );
      expect(results.filter((r) => 'ok' in r)).toHaveLength(1);
      expect(results.filter((r) => 'refused' in r).map((r) => (r as { refused: string }).refused)).toEqual([
        'INVALID_ARGUMENT',
        'INVALID_ARGUMENT',
      ]);
    }
  });
});

describe('generated access codes', () => {
  it('are never one the bridge already uses near that time', async () => {
    // All six-digit host codes taken but nine: a generated one must be one of those nine.
    const free = ['100000', '200000', '300000', '400000', '500000', '600000', '700000', '800000', '900000'];
    const taken = new Set<string>();
    for (let code = 100000; code <= 999999; code++) if (!free.includes(String(code))) taken.add(String(code));
    const tx = { codesInUse: () => Promise.resolve(taken) } as unknown as BookingTransaction;
    const placement = { id: 'b-1', bridgeId: 'x', scheduledStart: T0, expectedDurationSeconds: 3600 };
    for (let i = 0; i < 3; i++) {
      const codes = await accessCodesFor(tx, placement, { hostCode: '', participantCode: '' });
      expect(free).toContain(codes.hostCode);
      expect(taken.has(codes.participantCode)).toBe(false);
    }
  });
});
