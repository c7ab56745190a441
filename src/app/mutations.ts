/**
 * Conventions shared by every mutation: the client's request id (idempotency key) and optimistic
 * concurrency with `expected_version`.
 */
import crypto from 'node:crypto';
import { ConflictError, StaleVersionError, ValidationError } from '../domain/errors';

export const MAX_REQUEST_ID_LENGTH = 128;

/** The idempotency key of one mutation: where it applies, the client's id and a digest of the request. */
export interface RequestKey {
  /** The RPC, e.g. "BookingService.CreateBooking": the same request id may be used once per RPC. */
  scope: string;
  requestId: string;
  /** SHA-256 of the normalized request: the same id with a different request is refused. */
  requestHash: string;
}

export function requestKey(scope: string, requestId: string, request: unknown): RequestKey {
  if (!requestId) throw new ValidationError([{ field: 'request_id', reason: 'required: a client-chosen idempotency key (a UUID, say)' }]);
  if (requestId.length > MAX_REQUEST_ID_LENGTH) {
    throw new ValidationError([{ field: 'request_id', reason: `at most ${MAX_REQUEST_ID_LENGTH} characters` }]);
  }
  const requestHash = crypto.createHash('sha256').update(JSON.stringify(request)).digest('hex');
  return { scope, requestId, requestHash };
}

/** The stored version differs from the client's `expected_version`: ABORTED; read again and retry. */
export { StaleVersionError };

export function checkExpectedVersion(what: string, expected: number | undefined, stored: number | undefined): void {
  if (!expected) return;
  if (stored === undefined) throw new StaleVersionError(`${what} does not exist yet, but expected_version ${expected} was given`);
  if (stored !== expected) throw new StaleVersionError(`${what} is at version ${stored}, not the expected_version ${expected}`);
}
