/** A booking as reservations would send it, with nothing of its own: what a test changes is in `overrides`. */
import { ClientError, Status } from 'nice-grpc';
import { BookingStatus, type Booking } from '../../src/gen/billing/v1/booking_service';

export function plainBooking(
  customerAccount: string,
  bridgeId: string,
  scheduledStart: Date,
  overrides: Partial<Booking> = {},
): Booking {
  return {
    id: '',
    externalReference: '',
    customerAccount,
    bridgeId,
    title: 'Board call',
    scheduledStart,
    expectedDurationSeconds: 3600,
    timeZone: '',
    expectedParticipants: 4,
    dialOutNumbers: [],
    features: [],
    hostCode: '',
    participantCode: '',
    status: BookingStatus.BOOKING_STATUS_UNSPECIFIED,
    cancelReason: '',
    version: 0,
    ...overrides,
  };
}

/** A booking call's answer as data: OK with the booking, or the status name and details of the refusal. */
export function bookingOutcome(
  call: Promise<{ booking?: Booking }>,
): Promise<{ ok: Booking } | { refused: string; details: string }> {
  return call.then(
    (r) => ({ ok: r.booking! }),
    (e: unknown) => {
      if (!(e instanceof ClientError)) throw e;
      return { refused: Status[e.code], details: e.details };
    },
  );
}
