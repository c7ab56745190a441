/**
 * A bridge admits a caller by the access code dialled, so two of its bookings whose times overlap
 * must not share a code: a caller would join the other customer's conference. Codes are unique
 * per bridge over each booking's booked time widened by a guard on both sides, because
 * conferences open early and run over.
 */
import { ValidationError, type FieldViolation } from '../../domain/errors';
import { generateAccessCode, MAX_DURATION_SECONDS, type Booking } from './booking';
import type { BookingTransaction } from './ports';

/** How long before its start and after its booked end a booking's codes stay its own. */
export const ACCESS_CODE_GUARD_MS = 60 * 60_000;
const HOST_CODE_DIGITS = 6;
const PARTICIPANT_CODE_DIGITS = 8;

type Placement = Pick<Booking, 'id' | 'bridgeId' | 'scheduledStart' | 'expectedDurationSeconds'>;

/** Codes the booking may not use: those of the bridge's other bookings near its time. */
function codesTaken(tx: BookingTransaction, booking: Placement): Promise<Set<string>> {
  const start = booking.scheduledStart.getTime();
  const from = start - ACCESS_CODE_GUARD_MS;
  return tx.codesInUse({
    bridgeId: booking.bridgeId,
    from: new Date(from),
    to: new Date(start + booking.expectedDurationSeconds * 1000 + ACCESS_CODE_GUARD_MS),
    startsAfter: new Date(from - MAX_DURATION_SECONDS * 1000),
    exceptId: booking.id,
  });
}

function collision(field: string, code: string, bridgeId: string): FieldViolation {
  return {
    field: `booking.${field}`,
    reason: `${code} is an access code of another booking on bridge ${bridgeId} within an hour of this one's time; choose another`,
  };
}

/**
 * The codes of a booking about to be stored: each `wanted` code is checked, each empty one
 * generated, none shared with the bridge's bookings near its time.
 */
export async function accessCodesFor(
  tx: BookingTransaction,
  booking: Placement,
  wanted: { hostCode: string; participantCode: string },
): Promise<{ hostCode: string; participantCode: string }> {
  const taken = await codesTaken(tx, booking);
  const violations: FieldViolation[] = [];
  if (wanted.hostCode && taken.has(wanted.hostCode))
    violations.push(collision('host_code', wanted.hostCode, booking.bridgeId));
  if (wanted.participantCode && taken.has(wanted.participantCode))
    violations.push(collision('participant_code', wanted.participantCode, booking.bridgeId));
  if (violations.length) throw new ValidationError(violations);
  const hostCode = wanted.hostCode || freshCode(HOST_CODE_DIGITS, taken, wanted.participantCode);
  const participantCode = wanted.participantCode || freshCode(PARTICIPANT_CODE_DIGITS, taken, hostCode);
  return { hostCode, participantCode };
}

function freshCode(digits: number, taken: Set<string>, other: string): string {
  let code = generateAccessCode(digits);
  while (taken.has(code) || code === other) code = generateAccessCode(digits);
  return code;
}
