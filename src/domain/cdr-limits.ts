/** The limits an incoming CDR is validated against (see validateCdr in ./cdr-validation.ts). */

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
