import { NotFoundError, ValidationError } from '../../domain/errors';
import type { Booking } from './booking';
import type { BookingStore } from './ports';

export interface GetBookingDeps {
  bookings: Pick<BookingStore, 'get'>;
}

export async function getBooking(deps: GetBookingDeps, id: string): Promise<Booking> {
  if (!id) throw new ValidationError([{ field: 'booking_id', reason: 'required' }]);
  const booking = await deps.bookings.get(id);
  if (!booking) throw new NotFoundError(`no booking with id ${JSON.stringify(id)}`);
  return booking;
}
