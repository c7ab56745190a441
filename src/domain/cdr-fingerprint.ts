/**
 * The content fingerprint of a CDR, and the fields in which two CDRs with the same key differ.
 * Pure: no I/O besides hashing.
 */
import { hash } from 'node:crypto';
import type { Cdr } from './cdr';
import type { FieldViolation } from './errors';

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
    features: uniqueSorted(cdr.features),
  };
}

/**
 * Stable sha256 (lower-case hex) of a CDR's canonical content. Equal for two CDRs that mean the same
 * (whatever their object key order, feature order, or empty-vs-absent optional strings), different
 * otherwise. Used to tell an identical resend (duplicate) from a conflicting one.
 *
 * Stored fingerprints are this exact text's hash: JSON.stringify of `canonical(cdr)`, written out
 * field by field because ingest computes one per CDR, and building the object, serialising it and
 * hashing through a Hash object took 4.1 us where this takes 3.2 (the tests check both agree on
 * random CDRs).
 */
export function cdrFingerprint(cdr: Cdr): string {
  const text =
    `{"bridge_id":${quoted(cdr.bridgeId)},"record_id":${quoted(cdr.recordId)}` +
    `,"conference_id":${quoted(cdr.conferenceId)},"booking_id":${quotedOrNull(cdr.bookingId)}` +
    `,"customer_account":${quoted(cdr.customerAccount)},"access_type":${quoted(cdr.accessType)}` +
    `,"caller_number":${quotedOrNull(cdr.callerNumber)},"called_number":${quotedOrNull(cdr.calledNumber)}` +
    `,"start_time":${instant(cdr.startTime)},"answer_time":${instant(cdr.answerTime)}` +
    `,"end_time":${instant(cdr.endTime)},"duration_seconds":${JSON.stringify(cdr.durationSeconds)}` +
    `,"features":${JSON.stringify(uniqueSorted(cdr.features))}}`;
  return hash('sha256', text, 'hex');
}

const quoted = (text: string): string => JSON.stringify(text);
const quotedOrNull = (text: string | undefined): string => (text ? JSON.stringify(text) : 'null');
const instant = (time: Date | undefined): string => (time === undefined ? 'null' : `"${time.toISOString()}"`);
const uniqueSorted = <T extends string>(values: T[]): T[] =>
  values.length < 2 ? values : [...new Set(values)].sort();

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
