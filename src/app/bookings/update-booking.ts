/** A change of a booking, sent to its bridge (and to the old bridge when it moved) in the same transaction. */
import type { Feature } from '../../domain/cdr';
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import { checkExpectedVersion, requestKey } from '../mutations';
import { accessCodesFor } from './access-codes';
import { sameBookingContent, startInPast, type Booking, type BookingInput } from './booking';
import { checkInput, checkReference, customerZone } from './booking-checks';
import type { BookingStore } from './ports';

export interface UpdateBookingDeps {
  bookings: Pick<BookingStore, 'mutate'>;
  now: () => Date;
}

export async function updateBooking(
  deps: UpdateBookingDeps,
  request: { requestId: string; id: string; booking: BookingInput | undefined; expectedVersion: number },
): Promise<Booking> {
  if (!request.id)
    throw new ValidationError([{ field: 'booking.id', reason: 'required: the booking to update' }]);
  const input = checkInput(request.booking);
  const key = requestKey('BookingService.UpdateBooking', request.requestId, {
    id: request.id,
    input,
    expectedVersion: request.expectedVersion,
  });
  return deps.bookings.mutate(key, async (tx) => {
    const now = deps.now();
    const current = await tx.lock(request.id);
    if (!current) throw new NotFoundError(`no booking with id ${JSON.stringify(request.id)}`);
    if (current.status === 'CANCELLED')
      throw new FailedPreconditionError(
        `booking ${current.id} is cancelled; a cancelled booking cannot be updated`,
      );
    checkExpectedVersion(`booking ${current.id}`, request.expectedVersion, current.version);
    if (input.scheduledStart!.getTime() !== current.scheduledStart.getTime()) {
      const past = startInPast(input.scheduledStart!, now);
      if (past) throw new ValidationError([past]);
    }
    const zone =
      input.customerAccount === current.customerAccount && !input.timeZone
        ? current.timeZone
        : await customerZone(tx, input.customerAccount);
    await checkReference(tx, input.externalReference, current.id);
    const next: Booking = {
      ...current,
      ...input,
      scheduledStart: input.scheduledStart!,
      timeZone: input.timeZone || zone,
      features: input.features as Feature[],
      hostCode: input.hostCode || current.hostCode,
      participantCode: input.participantCode || current.participantCode,
    };
    if (next.hostCode === next.participantCode) {
      throw new ValidationError([
        { field: 'booking.participant_code', reason: 'must differ from host_code' },
      ]);
    }
    if (sameBookingContent(current, next)) return current;
    // Kept codes are checked too: the booking may have moved next to one that uses them.
    if (placedOrCodedAnew(current, next))
      await accessCodesFor(tx, next, { hostCode: next.hostCode, participantCode: next.participantCode });
    const changed: Booking = { ...next, version: current.version + 1, updatedAt: now };
    await tx.update(changed);
    // A booking moved to another bridge is sent to the old bridge once more, so it can drop it.
    await tx.publish('UPDATED', changed, [...new Set([current.bridgeId, changed.bridgeId])]);
    return changed;
  });
}

function placedOrCodedAnew(current: Booking, next: Booking): boolean {
  return (
    current.bridgeId !== next.bridgeId ||
    current.scheduledStart.getTime() !== next.scheduledStart.getTime() ||
    current.expectedDurationSeconds !== next.expectedDurationSeconds ||
    current.hostCode !== next.hostCode ||
    current.participantCode !== next.participantCode
  );
}
