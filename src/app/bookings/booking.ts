/** A booked conference, its events for the bridge, and the checks a booking must pass. */
import crypto from 'node:crypto';
import { E164 } from '../../domain/cdr-limits';
import { FEATURES, type Feature } from '../../domain/cdr';
import type { FieldViolation } from '../../domain/errors';
import { isTimeZone } from '../customers/customer';

export type BookingStatus = 'SCHEDULED' | 'CANCELLED';
/** MOVED_AWAY: sent to the bridge a booking left, carrying the booking as that bridge last had it. */
export type BookingEventType = 'CREATED' | 'UPDATED' | 'CANCELLED' | 'MOVED_AWAY';

/** What reservations sends; empty strings mean "none" (access codes: "generate"/"keep"). */
export interface BookingInput {
  externalReference: string;
  customerAccount: string;
  bridgeId: string;
  title: string;
  scheduledStart: Date | undefined;
  expectedDurationSeconds: number;
  timeZone: string;
  expectedParticipants: number;
  dialOutNumbers: string[];
  /** Domain feature names, or "unknown (N)" for a value the transport could not map. */
  features: string[];
  hostCode: string;
  participantCode: string;
}

export interface Booking {
  id: string;
  externalReference: string;
  customerAccount: string;
  bridgeId: string;
  title: string;
  scheduledStart: Date;
  expectedDurationSeconds: number;
  timeZone: string;
  expectedParticipants: number;
  dialOutNumbers: string[];
  features: Feature[];
  hostCode: string;
  participantCode: string;
  status: BookingStatus;
  cancelReason: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface BookingEvent {
  /** Opaque to clients: the outbox row id. */
  cursor: string;
  type: BookingEventType;
  booking: Booking;
  occurredAt: Date;
}

export const MAX_DURATION_SECONDS = 7 * 24 * 3600;
export const MAX_DIAL_OUTS = 500;
/** A start this far in the past is still accepted (clock skew, a booking made at the last minute). */
export const PAST_START_GRACE_MS = 60_000;
const ACCESS_CODE = /^\d{4,12}$/;
const MAX_TEXT = 256;

export function validateBookingInput(b: BookingInput, prefix = 'booking.'): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (!b.customerAccount)
    v.push({
      field: `${prefix}customer_account`,
      reason: 'required: the customer external_id billed for the conference',
    });
  if (!b.bridgeId)
    v.push({ field: `${prefix}bridge_id`, reason: 'required: the bridge that hosts the conference' });
  else if (b.bridgeId.length > 128) v.push({ field: `${prefix}bridge_id`, reason: 'at most 128 characters' });
  if (b.externalReference.length > 128)
    v.push({ field: `${prefix}external_reference`, reason: 'at most 128 characters' });
  if (b.title.length > MAX_TEXT)
    v.push({ field: `${prefix}title`, reason: `at most ${MAX_TEXT} characters` });
  if (!b.scheduledStart) v.push({ field: `${prefix}scheduled_start`, reason: 'required' });
  if (!Number.isInteger(b.expectedDurationSeconds) || b.expectedDurationSeconds <= 0) {
    v.push({ field: `${prefix}expected_duration_seconds`, reason: 'required: must be greater than 0' });
  } else if (b.expectedDurationSeconds > MAX_DURATION_SECONDS) {
    v.push({
      field: `${prefix}expected_duration_seconds`,
      reason: `at most ${MAX_DURATION_SECONDS} (7 days)`,
    });
  }
  if (!Number.isInteger(b.expectedParticipants) || b.expectedParticipants < 1) {
    v.push({ field: `${prefix}expected_participants`, reason: 'must be at least 1' });
  }
  if (b.timeZone && !isTimeZone(b.timeZone)) {
    v.push({
      field: `${prefix}time_zone`,
      reason: `${JSON.stringify(b.timeZone)} is not an IANA time zone of a region (e.g. "Europe/Stockholm", or "UTC")`,
    });
  }
  if (b.dialOutNumbers.length > MAX_DIAL_OUTS)
    v.push({ field: `${prefix}dial_out_numbers`, reason: `at most ${MAX_DIAL_OUTS} numbers` });
  b.dialOutNumbers.forEach((n, i) => {
    if (!E164.test(n))
      v.push({
        field: `${prefix}dial_out_numbers[${i}]`,
        reason: `${JSON.stringify(n)} is not an E.164 number (e.g. "+46812345678")`,
      });
    else if (b.dialOutNumbers.indexOf(n) !== i)
      v.push({ field: `${prefix}dial_out_numbers[${i}]`, reason: `${n} is listed twice` });
  });
  b.features.forEach((f, i) => {
    if (!(FEATURES as readonly string[]).includes(f))
      v.push({
        field: `${prefix}features[${i}]`,
        reason: `not a feature (${f}); one of ${FEATURES.join(', ')}`,
      });
    else if (b.features.indexOf(f) !== i)
      v.push({ field: `${prefix}features[${i}]`, reason: `${f} is listed twice` });
  });
  for (const [code, field] of [
    [b.hostCode, 'host_code'],
    [b.participantCode, 'participant_code'],
  ] as const) {
    if (code && !ACCESS_CODE.test(code))
      v.push({ field: `${prefix}${field}`, reason: 'an access code is 4 to 12 digits' });
  }
  if (b.hostCode && b.hostCode === b.participantCode)
    v.push({ field: `${prefix}participant_code`, reason: 'must differ from host_code' });
  return v;
}

export function startInPast(start: Date, now: Date, prefix = 'booking.'): FieldViolation | undefined {
  return start.getTime() < now.getTime() - PAST_START_GRACE_MS
    ? {
        field: `${prefix}scheduled_start`,
        reason: `${start.toISOString()} is in the past (now ${now.toISOString()})`,
      }
    : undefined;
}

/** A random access code of `digits` digits (no leading zero, so it survives numeric keypads and spreadsheets). */
export function generateAccessCode(digits: number): string {
  let code = String(crypto.randomInt(1, 10));
  while (code.length < digits) code += String(crypto.randomInt(0, 10));
  return code;
}

/** Fields a change is judged by (an update that changes none of them is not a change). */
export function sameBookingContent(a: Booking, b: Booking): boolean {
  const pick = (x: Booking) => [
    x.externalReference,
    x.customerAccount,
    x.bridgeId,
    x.title,
    x.scheduledStart.toISOString(),
    x.expectedDurationSeconds,
    x.timeZone,
    x.expectedParticipants,
    x.dialOutNumbers,
    x.features,
    x.hostCode,
    x.participantCode,
  ];
  return JSON.stringify(pick(a)) === JSON.stringify(pick(b));
}
