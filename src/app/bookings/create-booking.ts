/** Reservations enters a booking once; its CREATED event lands in the bridge's outbox in the same transaction. */
import crypto from 'node:crypto';
import type { Feature } from '../../domain/cdr';
import { ValidationError } from '../../domain/errors';
import { requestKey } from '../mutations';
import { accessCodesFor } from './access-codes';
import { startInPast, type Booking, type BookingInput } from './booking';
import { checkInput, checkReference, customerZone } from './booking-checks';
import type { BookingStore } from './ports';

export interface CreateBookingDeps {
  bookings: Pick<BookingStore, 'mutate'>;
  /** The clock's "now" (src/app/clock.ts). */
  now: () => Date;
}

export async function createBooking(
  deps: CreateBookingDeps,
  request: { requestId: string; booking: BookingInput | undefined },
): Promise<Booking> {
  const input = checkInput(request.booking);
  const key = requestKey('BookingService.CreateBooking', request.requestId, input);
  return deps.bookings.mutate(key, async (tx) => {
    const now = deps.now();
    const past = startInPast(input.scheduledStart!, now);
    if (past) throw new ValidationError([past]);
    const zone = await customerZone(tx, input.customerAccount);
    await checkReference(tx, input.externalReference);
    const placement = {
      id: crypto.randomUUID(),
      bridgeId: input.bridgeId,
      scheduledStart: input.scheduledStart!,
      expectedDurationSeconds: input.expectedDurationSeconds,
    };
    const codes = await accessCodesFor(tx, placement, input);
    const booking: Booking = {
      ...input,
      ...placement,
      timeZone: input.timeZone || zone,
      features: input.features as Feature[],
      ...codes,
      status: 'SCHEDULED',
      cancelReason: '',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(booking);
    await tx.publish('CREATED', booking, [booking.bridgeId]);
    return booking;
  });
}
