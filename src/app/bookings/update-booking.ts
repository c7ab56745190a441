/** A change of a booking, sent to its bridge (and a notice to the old bridge when it moved) in the same transaction. */
import type { Feature } from '../../domain/cdr';
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import { checkExpectedVersion, requestKey } from '../mutations';
import { accessCodesFor } from './access-codes';
import { sameBookingContent, startInPast, type Booking, type BookingInput } from './booking';
import { checkInput, checkReference, customerZone } from './booking-checks';
import type { BookingStore, BookingTransaction } from './ports';

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
    if (current.bridgeId === changed.bridgeId) await tx.publish('UPDATED', changed, [changed.bridgeId]);
    else await publishMove(tx, current, changed);
    return changed;
  });
}

/**
 * The new bridge gets the booking; the old one is told to drop it, with the booking as it last had
 * it (its own bridge id, codes and details) under the new version: what changed, and where the
 * conference went, is no business of a bridge that no longer hosts it (dial-out numbers, titles).
 * Published in bridge id order, as one publish of both would: the per-bridge locks are then always
 * taken in one order, and two bookings moved in opposite directions at once cannot deadlock.
 */
async function publishMove(tx: BookingTransaction, current: Booking, changed: Booking): Promise<void> {
  const left = { ...current, version: changed.version, updatedAt: changed.updatedAt };
  const events = [
    () => tx.publish('MOVED_AWAY', left, [current.bridgeId]),
    () => tx.publish('UPDATED', changed, [changed.bridgeId]),
  ];
  if (changed.bridgeId < current.bridgeId) events.reverse();
  for (const publish of events) await publish();
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
