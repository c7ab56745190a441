/**
 * BookingService: reservations creates, changes and cancels bookings; each bridge follows the
 * changes of its bookings as a stream with cursors; billing reconciles bookings with the calls.
 * Tenancy: a bridge token reads only the bookings of its own bridge ids, and a booking's access
 * codes go only to reservations, admin and the bridge hosting it (empty for everyone else).
 */
import { ServerError, Status, type CallContext } from 'nice-grpc';
import type { Booking } from '../../../app/bookings/booking';
import { cancelBooking } from '../../../app/bookings/cancel-booking';
import { createBooking } from '../../../app/bookings/create-booking';
import { getBooking } from '../../../app/bookings/get-booking';
import { listUpcomingBookings } from '../../../app/bookings/list-upcoming-bookings';
import { reconciliationReport } from '../../../app/bookings/reconciliation-report';
import { updateBooking } from '../../../app/bookings/update-booking';
import { ServiceDrainingError, watchBookings } from '../../../app/bookings/watch-bookings';
import type { BookingStore } from '../../../app/bookings/ports';
import type { Clock } from '../../../app/clock';
import { seesAccessCodes } from '../../../auth/tenancy';
import type { Principal } from '../../../auth/token-store';
import {
  BookingServiceDefinition,
  type Booking as ProtoBooking,
  type BookingServiceImplementation,
  type WatchBookingsRequest,
  type WatchBookingsResponse,
} from '../../../gen/billing/v1/booking_service';
import { bindService, type ServiceBinding } from '../grpc-server';
import { unimplementedMethods } from '../unimplemented';
import {
  bookingEventToProto,
  bookingInputFromProto,
  bookingMismatchToProto,
  bookingToProto,
} from '../mappers/booking-mapper';
import { principalOf, requireBridgeAccess, type AuthContext } from '../middleware/authentication';

export interface BookingServiceDeps {
  bookings: BookingStore;
  /** Aborted when the server begins a graceful shutdown: open watch streams end with UNAVAILABLE. */
  draining: AbortSignal;
  /** Outbox poll interval of WatchBookings (default 200 ms). */
  watchPollMs?: number;
  /** "Now" for the rule that a booking may not start in the past. */
  clock: Clock;
}

/** A booking as this caller may see it: access codes only for those tenancy.ts allows. */
function viewFor(context: AuthContext): (b: Booking) => ProtoBooking {
  const principal = principalOf(context);
  return (b) => bookingToProto(b, seesAccessCodes(principal, b.bridgeId));
}

/** A bridge token must name one of its own bridges; other roles may ask for any bridge (or all). */
function requireOwnBridge(principal: Principal, bridgeId: string): void {
  if (principal.role === 'bridge' && !bridgeId) {
    throw new ServerError(
      Status.PERMISSION_DENIED,
      `bridge_id: a bridge token lists only its own bridges (${principal.bridgeIds.join(', ')}); name one`,
    );
  }
  requireBridgeAccess(principal, bridgeId, 'bridge_id');
}

export function bookingService(deps: BookingServiceDeps): ServiceBinding {
  const app = { bookings: deps.bookings, pollMs: deps.watchPollMs, now: () => deps.clock.now() };
  const implemented: BookingServiceImplementation<AuthContext> = {
    async createBooking(request, context) {
      const booking = await createBooking(app, {
        requestId: request.requestId,
        booking: request.booking && bookingInputFromProto(request.booking),
      });
      return { booking: viewFor(context)(booking) };
    },
    async updateBooking(request, context) {
      const booking = await updateBooking(app, {
        requestId: request.requestId,
        id: request.booking?.id ?? '',
        booking: request.booking && bookingInputFromProto(request.booking),
        expectedVersion: request.expectedVersion,
      });
      return { booking: viewFor(context)(booking) };
    },
    async cancelBooking(request, context) {
      const booking = await cancelBooking(app, request);
      return { booking: viewFor(context)(booking) };
    },
    async getBooking(request, context) {
      const booking = await getBooking(app, request.bookingId);
      requireBridgeAccess(principalOf(context), booking.bridgeId, `booking ${booking.id}`);
      return { booking: viewFor(context)(booking) };
    },
    async listUpcomingBookings(request, context) {
      requireOwnBridge(principalOf(context), request.bridgeId);
      const page = await listUpcomingBookings(app, {
        bridgeId: request.bridgeId,
        customerAccount: request.customerAccount,
        from: request.fromTime,
        to: request.toTime,
        includeCancelled: request.includeCancelled,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return { bookings: page.rows.map(viewFor(context)), nextPageToken: page.nextPageToken };
    },
    async *watchBookings(
      request: WatchBookingsRequest,
      context: CallContext & AuthContext,
    ): AsyncIterable<WatchBookingsResponse> {
      const principal = principalOf(context);
      // An empty bridge_id is INVALID_ARGUMENT from the use case; any other must be the caller's own.
      if (request.bridgeId) requireBridgeAccess(principal, request.bridgeId, 'bridge_id');
      try {
        for await (const event of watchBookings(app, request, context.signal, deps.draining)) {
          // A booking that moved away reaches its old bridge as that bridge had it (MOVED_AWAY).
          yield { event: bookingEventToProto(event, seesAccessCodes(principal, event.booking.bridgeId)) };
        }
      } catch (error) {
        if (error instanceof ServiceDrainingError) throw new ServerError(Status.UNAVAILABLE, error.message);
        throw error;
      }
    },
    async getReconciliationReport(request, context) {
      const view = viewFor(context);
      const report = await reconciliationReport(app, {
        start: request.period?.startTime,
        end: request.period?.endTime,
        customerAccount: request.customerAccount,
        overrunThresholdSeconds: request.overrunThresholdSeconds,
      });
      return {
        noShows: report.noShows.map((b) => ({ booking: view(b) })),
        callsWithoutBooking: report.callsWithoutBooking.map((c) => ({
          bridgeId: c.bridgeId,
          conferenceId: c.conferenceId,
          customerAccount: c.customerAccount,
          unknownBookingId: c.unknownBookingId,
          bookingMismatch: bookingMismatchToProto(c.mismatch),
          firstStartTime: c.firstStart,
          lastEndTime: c.lastEnd,
          legCount: c.legs,
          minutes: c.minutes,
        })),
        overruns: report.overruns.map((o) => ({
          booking: view(o.booking),
          actualStartTime: o.actualStart,
          actualEndTime: o.actualEnd,
          actualDurationSeconds: o.actualDurationSeconds,
          overrunSeconds: o.overrunSeconds,
        })),
        truncated: report.truncated,
      };
    },
  };
  return bindService(BookingServiceDefinition, {
    ...unimplementedMethods(BookingServiceDefinition),
    ...implemented,
  });
}
