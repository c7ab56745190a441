/**
 * Conventions shared by every mutation: the client's request id (idempotency key) and optimistic
 * concurrency with `expected_version`.
 */
import crypto from 'node:crypto';
import { FailedPreconditionError, StaleVersionError, ValidationError } from '../domain/errors';
import { quoteForMessage } from '../domain/quote-value';

export const MAX_REQUEST_ID_LENGTH = 128;

/** The idempotency key of one mutation: where it applies, the client's id and a digest of the request. */
export interface RequestKey {
  /** The RPC, e.g. "BookingService.CreateBooking". */
  rpc: string;
  /**
   * Where a request id is unique: per RPC, and per caller for an RPC that several tenants call
   * (every bridge submits CDRs; two bridges may well number their requests alike).
   */
  scope: string;
  requestId: string;
  /** SHA-256 of the normalized request: the same id with a different request is refused. */
  requestHash: string;
}

export function requestKey(
  rpc: string,
  requestId: string,
  request: unknown,
  options: { caller?: string } = {},
): RequestKey {
  if (!requestId)
    throw new ValidationError([
      { field: 'request_id', reason: 'required: a client-chosen idempotency key (a UUID, say)' },
    ]);
  if (requestId.length > MAX_REQUEST_ID_LENGTH) {
    throw new ValidationError([
      { field: 'request_id', reason: `at most ${MAX_REQUEST_ID_LENGTH} characters` },
    ]);
  }
  const requestHash = crypto.createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const scope = options.caller === undefined ? rpc : `${rpc} by ${options.caller}`;
  return { rpc, scope, requestId, requestHash };
}

/** The answer to a request id already used for a different request of the same RPC (common.proto). */
export function requestIdReused(key: RequestKey): FailedPreconditionError {
  return new FailedPreconditionError(
    `request_id ${quoteForMessage(key.requestId)} was already used for a different ${key.rpc} request; use a new request_id for a new request`,
  );
}

/**
 * The request keys of mutations that span several transactions (closing a billing period commits
 * per chunk of customers), so the key cannot commit with the effect as `once` in one transaction
 * does. Such a mutation must be idempotent by itself: the key only refuses a reused request id and
 * replays the first result.
 */
export interface RequestLedger {
  /**
   * Records the key, or finds it: the stored response of a finished first call, or undefined when
   * the call is new (or an earlier one with the same request did not finish: it simply runs again).
   * Throws requestIdReused for the same id with a different request.
   */
  claim(key: RequestKey): Promise<{ response?: unknown }>;
  /** Stores the response of the claimed key; the first response stored stays. */
  complete(key: RequestKey, response: unknown): Promise<void>;
  /** Forgets an unfinished claim after the call failed, so the id may be used again, as after a rolled-back `once`. */
  release(key: RequestKey): Promise<void>;
}

/** Runs an idempotent multi-transaction mutation at most once per request key as far as the client sees. */
export async function onceAcross<T>(
  ledger: RequestLedger,
  key: RequestKey,
  run: () => Promise<T>,
  codec: { encode(value: T): unknown; decode(stored: unknown): Promise<T> },
): Promise<T> {
  const { response } = await ledger.claim(key);
  if (response !== undefined) return codec.decode(response);
  let value: T;
  try {
    value = await run();
  } catch (error) {
    await ledger.release(key);
    throw error;
  }
  await ledger.complete(key, codec.encode(value));
  return value;
}

/** The stored version differs from the client's `expected_version`: ABORTED; read again and retry. */
export { StaleVersionError };

export function checkExpectedVersion(
  what: string,
  expected: number | undefined,
  stored: number | undefined,
): void {
  if (!expected) return;
  if (stored === undefined)
    throw new StaleVersionError(`${what} does not exist yet, but expected_version ${expected} was given`);
  if (stored !== expected)
    throw new StaleVersionError(`${what} is at version ${stored}, not the expected_version ${expected}`);
}
