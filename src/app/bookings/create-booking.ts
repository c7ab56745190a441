/** Reservations enters a booking once; its CREATED event lands in the bridge's outbox in the same transaction. */
import crypto from 'node:crypto';
import type { Feature } from '../../domain/cdr';
import { ValidationError } from '../../domain/errors';
import { requestKey } from '../mutations';
import { generateAccessCode, startInPast, type Booking, type BookingInput } from './booking';
import { checkInput, checkReference, customerZone } from './booking-checks';
import type { BookingStore } from './ports';

export interface CreateBookingDeps {
  bookings: Pick<BookingStore, 'mutate'>;
  /** The clock's "now" (src/app/clock.ts). */
  now: () => Date;
}

const HOST_CODE_DIGITS = 6;
const PARTICIPANT_CODE_DIGITS = 8;

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
    const hostCode = input.hostCode || generateAccessCode(HOST_CODE_DIGITS);
    let participantCode = input.participantCode || generateAccessCode(PARTICIPANT_CODE_DIGITS);
    while (participantCode === hostCode) participantCode = generateAccessCode(PARTICIPANT_CODE_DIGITS);
    const booking: Booking = {
      ...input,
      id: crypto.randomUUID(),
      scheduledStart: input.scheduledStart!,
      timeZone: input.timeZone || zone,
      features: input.features as Feature[],
      hostCode,
      participantCode,
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
