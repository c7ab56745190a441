/**
 * Which booked features a CDR's cited booking adds to the call's price. The booking id is whatever
 * the bridge put in the CDR; it proves nothing by itself, so a booking's features are charged only
 * when the booking is plainly this call's conference:
 * - it belongs to the CDR's customer account (one customer never pays for what another booked);
 * - it is hosted on the CDR's bridge (a booking lives on one bridge and moves only by an update:
 *   a call on another bridge citing it carries a wrong id, or the booking was moved away and that
 *   bridge was told to drop it, so what it booked was not provided there);
 * - it was not cancelled when the call began (a booking cancelled after the conference was held,
 *   say by tidying up past bookings, was booked for it, and its features were provided).
 * When in doubt the call is priced with the features its leg reports, which it always keeps.
 */
import type { Cdr, Feature } from './cdr';

/** A stored booking as pricing sees it. */
export interface CitedBooking {
  customerAccount: string;
  bridgeId: string;
  /** 'SCHEDULED' or 'CANCELLED'; a cancelled booking's features count for calls begun before it was cancelled. */
  status: string;
  /** When it was cancelled (a cancelled booking changes no more, so its last update). */
  cancelledAt?: Date;
  features: Feature[];
}

export type BookedFeaturesVerdict = { used: true; features: Feature[] } | { used: false; reason: string };

/** The features `booking` (the one `cdr` cites; undefined when no such booking is stored) adds to the call. */
export function bookedFeaturesOf(
  cdr: Pick<Cdr, 'customerAccount' | 'bridgeId' | 'startTime'>,
  booking: CitedBooking | undefined,
): BookedFeaturesVerdict {
  if (!booking) return { used: false, reason: 'no such booking' };
  if (booking.customerAccount !== cdr.customerAccount)
    return { used: false, reason: 'the booking belongs to another customer account' };
  if (booking.bridgeId !== cdr.bridgeId)
    return { used: false, reason: 'the booking is hosted on another bridge' };
  if (booking.status !== 'SCHEDULED' && !(booking.cancelledAt && booking.cancelledAt > cdr.startTime))
    return { used: false, reason: `the booking is ${booking.status.toLowerCase()}` };
  return { used: true, features: booking.features };
}
