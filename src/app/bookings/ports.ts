/** What the booking use cases need from storage. */
import type { RequestKey } from '../mutations';
import type { Page } from '../customers/ports';
import type { Booking, BookingEvent, BookingEventType } from './booking';

/** One transaction of a booking mutation: its reads lock, its writes commit together with the events. */
export interface BookingTransaction {
  /** The customer's time zone, or undefined for an unknown account. */
  customer(account: string): Promise<{ timeZone: string } | undefined>;
  /** The booking, locked until the end of the transaction. */
  lock(id: string): Promise<Booking | undefined>;
  /**
   * Id of the booking that already carries this external reference; the reference stays locked
   * until the end of the transaction, so a concurrent writer of it waits and then sees this one's.
   */
  bookingWithReference(reference: string): Promise<string | undefined>;
  /**
   * The host and participant codes of the bridge's scheduled bookings, other than `exceptId`, whose
   * booked time overlaps `from`..`to` (only bookings starting after `startsAfter` can). The bridge's
   * codes stay locked until the end of the transaction, so two writers cannot both take one.
   */
  codesInUse(query: {
    bridgeId: string;
    from: Date;
    to: Date;
    startsAfter: Date;
    exceptId?: string;
  }): Promise<Set<string>>;
  insert(booking: Booking): Promise<void>;
  update(booking: Booking): Promise<void>;
  /** Appends the change to the outbox of each bridge, in the same transaction. */
  publish(type: BookingEventType, booking: Booking, bridges: string[]): Promise<void>;
}

export interface UpcomingFilter {
  bridgeId?: string;
  customerAccount?: string;
  from: Date;
  to?: Date;
  includeCancelled: boolean;
}

export interface ReconciliationQuery {
  start: Date;
  end: Date;
  customerAccount?: string;
  overrunThresholdSeconds: number;
  limit: number;
  /** Only bookings whose booked time (start plus expected duration) ended by then are no-shows. */
  now: Date;
}

/**
 * Why a conference has no booking of its own: the rule of src/domain/cited-booking.ts, by which
 * pricing adds a booking's features only to calls plainly of its conference.
 */
export type BookingMismatch = 'NONE_CITED' | 'UNKNOWN' | 'OTHER_CUSTOMER' | 'OTHER_BRIDGE' | 'CANCELLED';

export interface UnbookedConference {
  bridgeId: string;
  conferenceId: string;
  customerAccount: string;
  /** The booking id its CDRs cite, which is not theirs; "" when they cite none. */
  unknownBookingId: string;
  mismatch: BookingMismatch;
  firstStart: Date;
  lastEnd: Date;
  legs: number;
  /** Decimal string. */
  minutes: string;
}

export interface OverrunConference {
  booking: Booking;
  actualStart: Date;
  actualEnd: Date;
  actualDurationSeconds: number;
  overrunSeconds: number;
}

export interface ReconciliationReport {
  noShows: Booking[];
  callsWithoutBooking: UnbookedConference[];
  overruns: OverrunConference[];
  truncated: boolean;
}

export interface BookingStore {
  /**
   * Runs `work` in one transaction at most once per request key; a retry with the same key answers
   * the first result without running it again.
   */
  mutate(key: RequestKey, work: (tx: BookingTransaction) => Promise<Booking>): Promise<Booking>;
  get(id: string): Promise<Booking | undefined>;
  listUpcoming(filter: UpcomingFilter, size: number, pageToken?: string): Promise<Page<Booking>>;
  /** Events of the bridge after the cursor ("" = from the first), oldest first. */
  eventsAfter(bridgeId: string, afterCursor: string, limit: number): Promise<BookingEvent[]>;
  /** The cursor of the newest event of any bridge ("" when none): WatchBookings refuses a cursor beyond it. */
  newestCursor(): Promise<string>;
  reconciliation(query: ReconciliationQuery): Promise<ReconciliationReport>;
}
