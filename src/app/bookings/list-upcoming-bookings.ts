import { ValidationError } from '../../domain/errors';
import type { Page } from '../customers/ports';
import { pageSize } from '../paging';
import type { Booking } from './booking';
import type { BookingStore, UpcomingFilter } from './ports';

export interface ListUpcomingBookingsDeps {
  bookings: Pick<BookingStore, 'listUpcoming'>;
  /** "from" when the request has none. */
  now: () => Date;
}

export function listUpcomingBookings(
  deps: ListUpcomingBookingsDeps,
  request: Omit<UpcomingFilter, 'from'> & { from?: Date; pageSize: number; pageToken: string },
): Promise<Page<Booking>> {
  const size = pageSize(request.pageSize);
  const from = request.from ?? deps.now();
  if (request.to && request.to.getTime() <= from.getTime()) {
    throw new ValidationError([
      { field: 'to_time', reason: 'must be after from_time (or now, when from_time is unset)' },
    ]);
  }
  return deps.bookings.listUpcoming(
    {
      bridgeId: request.bridgeId || undefined,
      customerAccount: request.customerAccount || undefined,
      from,
      to: request.to,
      includeCancelled: request.includeCancelled,
    },
    size,
    request.pageToken || undefined,
  );
}
