/**
 * Validation of incoming CDRs (from the ingest stream or from file importers) and their content
 * fingerprint. Pure: no I/O besides hashing.
 *
 * Every violation names the field by its proto (snake_case) name, e.g. `bridge_id`, `start_time`,
 * `features[1]`, and all violations of a record are collected, not just the first.
 */
import { createHash } from 'node:crypto';
import { ACCESS_TYPES, FEATURES, type AccessType, type Cdr, type Feature } from './cdr.js';

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

/** Longest accepted id (bridge_id, record_id, conference_id, booking_id, customer_account). */
export const MAX_ID_LENGTH = 128;
/** Longest accepted billable duration: 48 hours. */
export const MAX_DURATION_SECONDS = 48 * 3600;
/** Earliest accepted time. */
export const MIN_CDR_TIME = new Date('2000-01-01T00:00:00Z');
/** How far in the future of `now` a time may be (clock skew between bridge and service). */
export const MAX_FUTURE_MS = 24 * 3600 * 1000;
/** Slack allowed between duration_seconds and end_time − start_time (bridges truncate to the second). */
export const DURATION_TOLERANCE_SECONDS = 1;
/** Most entries accepted in `features` before any other check (guards against absurd payloads). */
export const MAX_FEATURES = 32;
export const E164 = /^\+[1-9]\d{1,14}$/;

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function describe(value: unknown): string {
  const s = String(value);
  return s.length > 40 ? `'${s.slice(0, 40)}…'` : `'${s}'`;
}

function checkId(
  violations: FieldViolation[],
  field: string,
  value: string | undefined,
  required: boolean,
): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) violations.push({ field, reason: 'missing' });
    return undefined;
  }
  if (typeof value !== 'string') {
    violations.push({ field, reason: `must be a string, got ${typeof value}` });
    return undefined;
  }
  let ok = true;
  if (value.trim() === '') {
    violations.push({ field, reason: 'blank (only whitespace)' });
    ok = false;
  }
  if (value.length > MAX_ID_LENGTH) {
    violations.push({ field, reason: `too long: ${value.length} characters, at most ${MAX_ID_LENGTH}` });
    ok = false;
  }
  if (CONTROL_CHARS.test(value)) {
    violations.push({ field, reason: 'contains control characters' });
    ok = false;
  }
  return ok ? value : undefined;
}

function checkTime(
  violations: FieldViolation[],
  field: string,
  value: Date | undefined,
  required: boolean,
  now: Date,
): Date | undefined {
  if (value === undefined || value === null) {
    if (required) violations.push({ field, reason: 'missing' });
    return undefined;
  }
  if (!(value instanceof Date)) {
    violations.push({ field, reason: 'not a timestamp' });
    return undefined;
  }
  const t = value.getTime();
  if (Number.isNaN(t)) {
    violations.push({ field, reason: 'not a valid time (Invalid Date)' });
    return undefined;
  }
  if (t < MIN_CDR_TIME.getTime()) {
    violations.push({ field, reason: `${value.toISOString()} is before ${MIN_CDR_TIME.toISOString()}` });
    return undefined;
  }
  if (t > now.getTime() + MAX_FUTURE_MS) {
    violations.push({
      field,
      reason: `${value.toISOString()} is more than 1 day in the future (now ${now.toISOString()})`,
    });
    return undefined;
  }
  return new Date(t);
}

function checkPhone(
  violations: FieldViolation[],
  field: string,
  value: string | undefined,
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    violations.push({ field, reason: `must be a string, got ${typeof value}` });
    return undefined;
  }
  if (value.length > 16) {
    violations.push({
      field,
      reason: `too long: ${value.length} characters; E.164 has at most 15 digits after '+'`,
    });
    return undefined;
  }
  if (!E164.test(value)) {
    violations.push({
      field,
      reason: `${describe(value)} is not an E.164 number (+ and 2 to 15 digits, no leading 0)`,
    });
    return undefined;
  }
  return value;
}

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

/** The canonical content of a CDR: fixed field order, ISO times in UTC (ms), sorted unique features. */
function canonical(cdr: Cdr): Record<string, string | number | string[] | null> {
  const iso = (d: Date | undefined) => (d === undefined ? null : d.toISOString());
  return {
    bridge_id: cdr.bridgeId,
    record_id: cdr.recordId,
    conference_id: cdr.conferenceId,
    booking_id: cdr.bookingId || null,
    customer_account: cdr.customerAccount,
    access_type: cdr.accessType,
    caller_number: cdr.callerNumber || null,
    called_number: cdr.calledNumber || null,
    start_time: iso(cdr.startTime),
    answer_time: iso(cdr.answerTime),
    end_time: iso(cdr.endTime),
    duration_seconds: cdr.durationSeconds,
    features: [...new Set(cdr.features)].sort(),
  };
}

/**
 * Stable sha256 (lower-case hex) of a CDR's canonical content. Equal for two CDRs that mean the same
 * (whatever their object key order, feature order, or empty-vs-absent optional strings), different
 * otherwise. Used to tell an identical resend (duplicate) from a conflicting one.
 */
export function cdrFingerprint(cdr: Cdr): string {
  return createHash('sha256')
    .update(JSON.stringify(canonical(cdr)))
    .digest('hex');
}

/**
 * The fields (proto names) in which two CDRs with the same key differ, as violations suitable for a
 * CONFLICT result: `{ field: 'end_time', reason: 'stored 2026-…Z, received 2026-…Z' }`.
 */
export function cdrConflictFields(stored: Cdr, received: Cdr): FieldViolation[] {
  const a = canonical(stored);
  const b = canonical(received);
  const out: FieldViolation[] = [];
  for (const key of Object.keys(a)) {
    const x = JSON.stringify(a[key]);
    const y = JSON.stringify(b[key]);
    if (x !== y)
      out.push({ field: key, reason: `conflicts with the stored record: stored ${x}, received ${y}` });
  }
  return out;
}
