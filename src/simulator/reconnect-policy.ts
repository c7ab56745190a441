/**
 * When a bridge reconnects and how long it pauses first. Exponential backoff with jitter, so a
 * fleet of bridges that lost the service at the same moment (a restart, a database failover) does
 * not come back in lockstep and hammer it; a status that resending cannot change ends the run.
 */
import { ClientError, Status } from 'nice-grpc';

/**
 * Statuses that mean "this request is refused", not "try later": resending the same batch with
 * the same token gets the same answer. Everything else (UNAVAILABLE, a lost connection, a stalled
 * stream, RESOURCE_EXHAUSTED, ABORTED, even INTERNAL) may pass, and a resend is harmless because
 * the service deduplicates by (bridge id, record id).
 */
const FINAL = new Set([
  Status.INVALID_ARGUMENT,
  Status.UNAUTHENTICATED,
  Status.PERMISSION_DENIED,
  Status.UNIMPLEMENTED,
  Status.NOT_FOUND,
  Status.ALREADY_EXISTS,
  Status.FAILED_PRECONDITION,
  Status.OUT_OF_RANGE,
]);

export function isRetryable(error: unknown): boolean {
  return !(error instanceof ClientError && FINAL.has(error.code));
}

/**
 * The pause before reconnect number `attempt` (0 right after progress): base * 2^attempt, capped
 * at `max`, of which a random half is taken off ("equal jitter": it still grows, but spreads).
 */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** No acknowledgement came for a long time although batches were outstanding (a silently dead connection). */
export class StalledStreamError extends Error {
  override name = 'StalledStreamError';
  constructor(readonly timeoutMs: number) {
    super(`no acknowledgement for ${timeoutMs} ms with batches outstanding; reconnecting`);
  }
}
