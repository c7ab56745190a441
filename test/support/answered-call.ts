/**
 * A CDR as a bridge streams it for an answered call: answered when it started, ended `seconds`
 * later, a dial-out unless told otherwise, no booking and no features. Tests name only what
 * matters to them; the rest of the record is this one shape everywhere.
 */
import { AccessType, type Feature } from '../../src/gen/billing/v1/common';
import type { Cdr } from '../../src/gen/billing/v1/cdr';

export interface AnsweredCall {
  bridgeId: string;
  recordId: string;
  customerAccount: string;
  /** When the call started (and was answered). */
  start: Date | string;
  seconds: number;
  accessType?: AccessType;
  /** Defaults to `conf-<recordId>`: one conference per call. */
  conferenceId?: string;
  bookingId?: string;
  callerNumber?: string;
  calledNumber?: string;
  features?: Feature[];
}

export function answeredCall(call: AnsweredCall): Cdr {
  const start = new Date(call.start);
  return {
    bridgeId: call.bridgeId,
    recordId: call.recordId,
    conferenceId: call.conferenceId ?? `conf-${call.recordId}`,
    bookingId: call.bookingId ?? '',
    customerAccount: call.customerAccount,
    accessType: call.accessType ?? AccessType.ACCESS_TYPE_DIAL_OUT,
    callerNumber: call.callerNumber ?? '',
    calledNumber: call.calledNumber ?? '',
    startTime: start,
    answerTime: start,
    endTime: new Date(start.getTime() + call.seconds * 1000),
    durationSeconds: call.seconds,
    features: call.features ?? [],
  };
}
