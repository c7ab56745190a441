/**
 * BookingService: reservations creates, changes and cancels bookings; each bridge follows the
 * changes of its bookings as a stream with cursors; billing reconciles bookings with the calls.
 */
import { ServerError, Status, type CallContext } from 'nice-grpc';
import * as useCases from '../../../app/bookings/booking-use-cases';
import type { BookingStore } from '../../../app/bookings/ports';
import {
  BookingServiceDefinition,
  type BookingServiceImplementation,
  type WatchBookingsRequest,
  type WatchBookingsResponse,
} from '../../../gen/billing/v1/booking_service';
import type { ServiceBinding } from '../grpc-server';
import { unimplementedMethods } from '../unimplemented';
import { bookingEventToProto, bookingInputFromProto, bookingToProto } from '../mappers/booking-mapper';

export interface BookingServiceDeps {
  bookings: BookingStore;
  /** Aborted when the server begins a graceful shutdown: open watch streams end with UNAVAILABLE. */
  draining: AbortSignal;
  /** Outbox poll interval of WatchBookings (default 200 ms). */
  watchPollMs?: number;
}

export function bookingService(deps: BookingServiceDeps): ServiceBinding {
  const app = { bookings: deps.bookings, pollMs: deps.watchPollMs };
  const implemented: BookingServiceImplementation = {
    async createBooking(request) {
      const booking = await useCases.createBooking(app, { requestId: request.requestId, booking: request.booking && bookingInputFromProto(request.booking) });
      return { booking: bookingToProto(booking) };
    },
    async updateBooking(request) {
      const booking = await useCases.updateBooking(app, {
        requestId: request.requestId,
        id: request.booking?.id ?? '',
        booking: request.booking && bookingInputFromProto(request.booking),
        expectedVersion: request.expectedVersion,
      });
      return { booking: bookingToProto(booking) };
    },
    async cancelBooking(request) {
      const booking = await useCases.cancelBooking(app, request);
      return { booking: bookingToProto(booking) };
    },
    async getBooking(request) {
      return { booking: bookingToProto(await useCases.getBooking(app, request.bookingId)) };
    },
    async listUpcomingBookings(request) {
      const page = await useCases.listUpcomingBookings(app, {
        bridgeId: request.bridgeId,
        customerAccount: request.customerAccount,
        from: request.fromTime,
        to: request.toTime,
        includeCancelled: request.includeCancelled,
        pageSize: request.pageSize,
        pageToken: request.pageToken,
      });
      return { bookings: page.rows.map(bookingToProto), nextPageToken: page.nextPageToken };
    },
    async *watchBookings(request: WatchBookingsRequest, context: CallContext): AsyncIterable<WatchBookingsResponse> {
      try {
        for await (const event of useCases.watchBookings(app, request, context.signal, deps.draining)) {
          yield { event: bookingEventToProto(event) };
        }
      } catch (error) {
        if (error instanceof useCases.ServiceDrainingError) throw new ServerError(Status.UNAVAILABLE, error.message);
        throw error;
      }
    },
    async getReconciliationReport(request) {
      const report = await useCases.reconciliationReport(app, {
        start: request.period?.startTime,
        end: request.period?.endTime,
        customerAccount: request.customerAccount,
        overrunThresholdSeconds: request.overrunThresholdSeconds,
      });
      return {
        noShows: report.noShows.map((b) => ({ booking: bookingToProto(b) })),
        callsWithoutBooking: report.callsWithoutBooking.map((c) => ({
          bridgeId: c.bridgeId,
          conferenceId: c.conferenceId,
          customerAccount: c.customerAccount,
          unknownBookingId: c.unknownBookingId,
          firstStartTime: c.firstStart,
          lastEndTime: c.lastEnd,
          legCount: c.legs,
          minutes: c.minutes,
        })),
        overruns: report.overruns.map((o) => ({
          booking: bookingToProto(o.booking),
          actualStartTime: o.actualStart,
          actualEndTime: o.actualEnd,
          actualDurationSeconds: o.actualDurationSeconds,
          overrunSeconds: o.overrunSeconds,
        })),
        truncated: report.truncated,
      };
    },
  };
  return {
    definition: BookingServiceDefinition,
    implementation: { ...unimplementedMethods(BookingServiceDefinition), ...implemented },
  };
}
