/** Proto Booking <-> the domain's. */
import type { Booking, BookingEvent, BookingInput } from '../../../app/bookings/booking';
import type { BookingMismatch as Mismatch } from '../../../app/bookings/ports';
import {
  BookingEventType,
  BookingMismatch,
  BookingStatus,
  type Booking as ProtoBooking,
  type BookingEvent as ProtoBookingEvent,
} from '../../../gen/billing/v1/booking_service';
import { featureFromProto, featureToProto } from './cdr-mapper';

export function bookingInputFromProto(b: ProtoBooking): BookingInput {
  return {
    externalReference: b.externalReference,
    customerAccount: b.customerAccount,
    bridgeId: b.bridgeId,
    title: b.title,
    scheduledStart: b.scheduledStart,
    expectedDurationSeconds: b.expectedDurationSeconds,
    timeZone: b.timeZone,
    expectedParticipants: b.expectedParticipants,
    dialOutNumbers: [...b.dialOutNumbers],
    features: b.features.map(featureFromProto),
    hostCode: b.hostCode,
    participantCode: b.participantCode,
  };
}

/**
 * `withAccessCodes`: whether the caller may see the host and participant codes (src/auth/tenancy.ts);
 * when not, they are sent empty. Required, so no response that carries a booking can forget it.
 */
export function bookingToProto(b: Booking, withAccessCodes: boolean): ProtoBooking {
  return {
    ...b,
    hostCode: withAccessCodes ? b.hostCode : '',
    participantCode: withAccessCodes ? b.participantCode : '',
    dialOutNumbers: [...b.dialOutNumbers],
    features: b.features.map(featureToProto),
    status:
      b.status === 'CANCELLED'
        ? BookingStatus.BOOKING_STATUS_CANCELLED
        : BookingStatus.BOOKING_STATUS_SCHEDULED,
  };
}

const EVENT_TYPE = {
  CREATED: BookingEventType.BOOKING_EVENT_TYPE_CREATED,
  UPDATED: BookingEventType.BOOKING_EVENT_TYPE_UPDATED,
  CANCELLED: BookingEventType.BOOKING_EVENT_TYPE_CANCELLED,
  MOVED_AWAY: BookingEventType.BOOKING_EVENT_TYPE_MOVED_AWAY,
} as const;

export function bookingEventToProto(e: BookingEvent, withAccessCodes: boolean): ProtoBookingEvent {
  return {
    cursor: e.cursor,
    type: EVENT_TYPE[e.type],
    booking: bookingToProto(e.booking, withAccessCodes),
    occurredAt: e.occurredAt,
  };
}

const MISMATCH: Record<Mismatch, BookingMismatch> = {
  NONE_CITED: BookingMismatch.BOOKING_MISMATCH_NONE_CITED,
  UNKNOWN: BookingMismatch.BOOKING_MISMATCH_UNKNOWN,
  OTHER_CUSTOMER: BookingMismatch.BOOKING_MISMATCH_OTHER_CUSTOMER,
  OTHER_BRIDGE: BookingMismatch.BOOKING_MISMATCH_OTHER_BRIDGE,
  CANCELLED: BookingMismatch.BOOKING_MISMATCH_CANCELLED,
};

export function bookingMismatchToProto(mismatch: Mismatch): BookingMismatch {
  return MISMATCH[mismatch];
}
