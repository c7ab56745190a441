/** Proto Booking <-> the domain's. */
import type { Booking, BookingEvent, BookingInput } from '../../../app/bookings/booking';
import {
  BookingEventType,
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

export function bookingToProto(b: Booking): ProtoBooking {
  return {
    ...b,
    dialOutNumbers: [...b.dialOutNumbers],
    features: b.features.map(featureToProto),
    status: b.status === 'CANCELLED' ? BookingStatus.BOOKING_STATUS_CANCELLED : BookingStatus.BOOKING_STATUS_SCHEDULED,
  };
}

const EVENT_TYPE = {
  CREATED: BookingEventType.BOOKING_EVENT_TYPE_CREATED,
  UPDATED: BookingEventType.BOOKING_EVENT_TYPE_UPDATED,
  CANCELLED: BookingEventType.BOOKING_EVENT_TYPE_CANCELLED,
} as const;

export function bookingEventToProto(e: BookingEvent): ProtoBookingEvent {
  return { cursor: e.cursor, type: EVENT_TYPE[e.type], booking: bookingToProto(e.booking), occurredAt: e.occurredAt };
}
