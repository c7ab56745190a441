/**
 * Validation of incoming CDRs (from the ingest stream or from file importers). Pure. The content
 * fingerprint is in ./cdr-fingerprint.ts, the per-field checks in ./cdr-field-checks.ts.
 *
 * Every violation names the field by its proto (snake_case) name, e.g. `bridge_id`, `start_time`,
 * `features[1]`, and all violations of a record are collected, not just the first.
 */
import { ACCESS_TYPES, FEATURES, type AccessType, type Cdr, type Feature } from './cdr';
import { checkId, checkPhone, checkTime, describe } from './cdr-field-checks';
import { DURATION_TOLERANCE_SECONDS, MAX_DURATION_SECONDS, MAX_FEATURES } from './cdr-limits';

/** A CDR as received, before validation: everything optional, enums as plain strings. */
export interface CdrDraft {
  bridgeId?: string;
  recordId?: string;
  conferenceId?: string;
  bookingId?: string;
  customerAccount?: string;
  /** A domain value (see ACCESS_TYPES) or 'unknown'. */
  accessType?: string;
  callerNumber?: string;
  calledNumber?: string;
  startTime?: Date;
  answerTime?: Date;
  endTime?: Date;
  durationSeconds?: number;
  features?: string[];
}

export interface FieldViolation {
  field: string;
  reason: string;
}

export type CdrValidationResult = { ok: true; cdr: Cdr } | { ok: false; violations: FieldViolation[] };

/**
 * Validates a draft and returns the normalised CDR (features sorted and unique, empty optional
 * strings dropped, dates copied) or every violation found.
 *
 * @param now reference for "not in the future"; defaults to the current time.
 */
export function validateCdr(draft: CdrDraft, now: Date): CdrValidationResult {
  const v: FieldViolation[] = [];
  if (draft === null || typeof draft !== 'object') {
    return { ok: false, violations: [{ field: '', reason: 'not a record' }] };
  }

  const bridgeId = checkId(v, 'bridge_id', draft.bridgeId, true);
  const recordId = checkId(v, 'record_id', draft.recordId, true);
  const conferenceId = checkId(v, 'conference_id', draft.conferenceId, true);
  const bookingId = checkId(v, 'booking_id', draft.bookingId, false);
  const customerAccount = checkId(v, 'customer_account', draft.customerAccount, true);

  let accessType: AccessType | undefined;
  if (draft.accessType === undefined || draft.accessType === null || draft.accessType === '') {
    v.push({ field: 'access_type', reason: 'missing' });
  } else if ((ACCESS_TYPES as readonly string[]).includes(draft.accessType)) {
    accessType = draft.accessType as AccessType;
  } else {
    v.push({
      field: 'access_type',
      reason: `unknown access type ${describe(draft.accessType)}; expected one of ${ACCESS_TYPES.join(', ')}`,
    });
  }

  const callerNumber = checkPhone(v, 'caller_number', draft.callerNumber);
  const calledNumber = checkPhone(v, 'called_number', draft.calledNumber);

  const startTime = checkTime(v, 'start_time', draft.startTime, true, now);
  const answerTime = checkTime(v, 'answer_time', draft.answerTime, false, now);
  const endTime = checkTime(v, 'end_time', draft.endTime, true, now);

  if (startTime && endTime && endTime < startTime) {
    v.push({
      field: 'end_time',
      reason: `end ${endTime.toISOString()} is before start ${startTime.toISOString()}`,
    });
  }
  if (answerTime && startTime && answerTime < startTime) {
    v.push({
      field: 'answer_time',
      reason: `answer ${answerTime.toISOString()} is before start ${startTime.toISOString()}`,
    });
  }
  if (answerTime && endTime && answerTime > endTime) {
    v.push({
      field: 'answer_time',
      reason: `answer ${answerTime.toISOString()} is after end ${endTime.toISOString()}`,
    });
  }

  let durationSeconds: number | undefined;
  const d = draft.durationSeconds;
  if (d === undefined || d === null) {
    v.push({ field: 'duration_seconds', reason: 'missing' });
  } else if (typeof d !== 'number' || Number.isNaN(d)) {
    v.push({ field: 'duration_seconds', reason: `not a number: ${describe(d)}` });
  } else if (d < 0) {
    v.push({ field: 'duration_seconds', reason: `negative: ${d}` });
  } else if (!Number.isInteger(d)) {
    v.push({ field: 'duration_seconds', reason: `not a whole number of seconds: ${d}` });
  } else if (d > MAX_DURATION_SECONDS) {
    v.push({
      field: 'duration_seconds',
      reason: `absurd: ${d} s is more than 48 h (${MAX_DURATION_SECONDS} s)`,
    });
  } else {
    durationSeconds = d;
    let bad = false;
    if (startTime && endTime && endTime >= startTime) {
      const span = (endTime.getTime() - startTime.getTime()) / 1000;
      if (d > span + DURATION_TOLERANCE_SECONDS) {
        v.push({
          field: 'duration_seconds',
          reason: `${d} s is longer than end_time − start_time (${span} s) plus ${DURATION_TOLERANCE_SECONDS} s tolerance`,
        });
        bad = true;
      }
    }
    if (!bad && d > 0 && draft.answerTime === undefined) {
      v.push({ field: 'duration_seconds', reason: `${d} s but the leg was never answered (no answer_time)` });
    }
  }

  const features: Feature[] = [];
  if (draft.features !== undefined && draft.features !== null) {
    if (!Array.isArray(draft.features)) {
      v.push({ field: 'features', reason: 'not a list' });
    } else if (draft.features.length > MAX_FEATURES) {
      v.push({ field: 'features', reason: `too many: ${draft.features.length}, at most ${MAX_FEATURES}` });
    } else {
      const seen = new Map<string, number>();
      draft.features.forEach((f, i) => {
        const field = `features[${i}]`;
        if (!(FEATURES as readonly string[]).includes(f)) {
          v.push({ field, reason: `unknown feature ${describe(f)}; expected one of ${FEATURES.join(', ')}` });
        } else if (seen.has(f)) {
          v.push({ field, reason: `duplicate feature '${f}' (already features[${seen.get(f)}])` });
        } else {
          seen.set(f, i);
          features.push(f as Feature);
        }
      });
    }
  }

  if (v.length > 0) return { ok: false, violations: v };

  const cdr: Cdr = {
    bridgeId: bridgeId!,
    recordId: recordId!,
    conferenceId: conferenceId!,
    customerAccount: customerAccount!,
    accessType: accessType!,
    startTime: startTime!,
    endTime: endTime!,
    durationSeconds: durationSeconds!,
    features: [...features].sort(),
  };
  if (bookingId !== undefined) cdr.bookingId = bookingId;
  if (callerNumber !== undefined) cdr.callerNumber = callerNumber;
  if (calledNumber !== undefined) cdr.calledNumber = calledNumber;
  if (answerTime !== undefined) cdr.answerTime = answerTime;
  return { ok: true, cdr };
}
