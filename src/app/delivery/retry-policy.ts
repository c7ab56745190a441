/**
 * How delivery retries: the one place these numbers live. A failed attempt waits
 * `firstRetryMs × 2^(attempts-1)`, capped at `maxRetryMs`; after `maxAttempts` the document is
 * 'failed' (logged as an error, shown by `billing outbox list --status failed`) until an operator
 * runs `billing outbox retry NUMBER`. With these numbers a document is tried for about 18 hours:
 * 30 s, 1, 2, 4, 8, 16, 32 min, 1 h, then hourly.
 */
export interface RetryPolicy {
  firstRetryMs: number;
  maxRetryMs: number;
  maxAttempts: number;
  /** How long a claim keeps other workers off a document: longer than any send may take. */
  leaseMs: number;
  /** Documents claimed per batch. */
  batchSize: number;
}

export const DELIVERY_RETRY: RetryPolicy = {
  firstRetryMs: 30_000,
  maxRetryMs: 60 * 60_000,
  maxAttempts: 25,
  leaseMs: 5 * 60_000,
  batchSize: 20,
};

/** When to try again after failed attempt number `attempts` (1-based); undefined: give up. */
export function nextAttemptAt(policy: RetryPolicy, attempts: number, now: Date): Date | undefined {
  if (attempts >= policy.maxAttempts) return undefined;
  const delay = Math.min(policy.maxRetryMs, policy.firstRetryMs * 2 ** Math.min(attempts - 1, 30));
  return new Date(now.getTime() + delay);
}
