/** Cancelling a booking; cancelling it again answers it as it is (if expected_version, when given, still matches). */
import { NotFoundError, ValidationError } from '../../domain/errors';
import { checkExpectedVersion, requestKey } from '../mutations';
import type { Booking } from './booking';
import type { BookingStore } from './ports';

export interface CancelBookingDeps {
  bookings: Pick<BookingStore, 'mutate'>;
  now: () => Date;
}

export async function cancelBooking(
  deps: CancelBookingDeps,
  request: { requestId: string; bookingId: string; reason: string; expectedVersion: number },
): Promise<Booking> {
  if (!request.bookingId) throw new ValidationError([{ field: 'booking_id', reason: 'required' }]);
  if (request.reason.length > 1000)
    throw new ValidationError([{ field: 'reason', reason: 'at most 1000 characters' }]);
  const key = requestKey('BookingService.CancelBooking', request.requestId, request);
  return deps.bookings.mutate(key, async (tx) => {
    const current = await tx.lock(request.bookingId);
    if (!current) throw new NotFoundError(`no booking with id ${JSON.stringify(request.bookingId)}`);
    // Checked first, also for a booking already cancelled: a stale version means the client acts
    // on a booking it has not seen (a retry of this request replays its first answer before this).
    checkExpectedVersion(`booking ${current.id}`, request.expectedVersion, current.version);
    if (current.status === 'CANCELLED') return current;
    const cancelled: Booking = {
      ...current,
      status: 'CANCELLED',
      cancelReason: request.reason,
      version: current.version + 1,
      updatedAt: deps.now(),
    };
    await tx.update(cancelled);
    await tx.publish('CANCELLED', cancelled, [cancelled.bridgeId]);
    return cancelled;
  });
}
