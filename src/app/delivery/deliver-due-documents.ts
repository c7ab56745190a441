/**
 * One delivery round: claim the due documents from the outbox, render and send each, record what
 * happened. A failure is recorded on the document (attempts, last_error, the next attempt after a
 * capped exponential backoff) and never stops the round; after the last allowed attempt the document
 * is 'failed' and logged as an error. An attempt that never reported back (the worker died during
 * it, its lease ran out) counts too: a document claimed beyond its budget is 'failed' without being
 * sent again, so one that kills its worker (say, out of memory while rendering) cannot do so every
 * lease forever. Documents go one at a time: an access point's pick-up directory gains nothing from
 * parallel writes, and a slow send never holds a database connection.
 */
import type { DocumentSender, DocumentSource, OutboxClaim, OutboxStore } from './ports';
import { nextAttemptAt, type RetryPolicy } from './retry-policy';

export interface DeliveryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

export interface DeliveryDeps {
  outbox: OutboxStore;
  source: DocumentSource;
  sender: DocumentSender;
  policy: RetryPolicy;
  now: () => Date;
  log: DeliveryLog;
  /** Told of every attempt's outcome (the service counts them in its metrics). */
  onOutcome?: (outcome: DeliveryOutcome) => void;
}

export interface DeliveryReport {
  delivered: number;
  retried: number;
  failed: number;
}

/** Delivers until nothing is due (or `signal` aborts between batches). */
export async function deliverDueDocuments(
  deps: DeliveryDeps,
  options: { signal?: AbortSignal } = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, retried: 0, failed: 0 };
  for (;;) {
    if (options.signal?.aborted) return report;
    const now = deps.now();
    const claims = await deps.outbox.claim(
      deps.policy.batchSize,
      now,
      new Date(now.getTime() + deps.policy.leaseMs),
    );
    // The whole batch, even when stopping: a claimed document left untried would wait for its lease.
    for (const claim of claims) {
      const outcome = await deliverOne(deps, claim);
      deps.onOutcome?.(outcome);
      if (outcome === 'delivered') report.delivered++;
      else if (outcome === 'retry') report.retried++;
      else report.failed++;
    }
    // A short batch means nothing else is due; a failed document is due later, not in this round.
    if (claims.length < deps.policy.batchSize) return report;
  }
}

/**
 * An error message as the outbox can store it: PostgreSQL text holds no NUL character, and a message
 * it refuses would fail the round (and leave the document to be claimed again every lease).
 */
export function storableError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\u0000').join('\\0') || (error instanceof Error ? error.name : 'unknown error');
}

async function deliverOne(deps: DeliveryDeps, claim: OutboxClaim): Promise<DeliveryOutcome> {
  const context = { invoiceId: claim.invoiceId, number: claim.invoiceNumber, attempt: claim.attempts };
  if (claim.attempts > deps.policy.maxAttempts) {
    // The budget's last attempt never reported back (the worker stopped during it): give up now.
    const message = `attempt ${claim.attempts - 1} did not finish (the worker stopped during the send?); gave up after ${deps.policy.maxAttempts} attempts`;
    await deps.outbox.markFailed(claim, { error: message, retryAt: undefined });
    deps.log.error(
      { ...context, error: message, maxAttempts: deps.policy.maxAttempts },
      'document delivery failed for good: run `billing outbox retry NUMBER` once the cause is fixed',
    );
    return 'failed';
  }
  try {
    const doc = await deps.source(claim.invoiceId);
    const sent = await deps.sender.send({
      invoiceNumber: doc.number,
      fileName: doc.fileName,
      contentType: doc.contentType,
      content: doc.content,
    });
    await deps.outbox.markDelivered(claim, {
      deliveredTo: sent.deliveredTo,
      format: doc.contentType,
      at: deps.now(),
    });
    deps.log.info(
      { ...context, deliveredTo: sent.deliveredTo, alreadyThere: sent.alreadyThere ?? false },
      sent.alreadyThere
        ? 'document was already delivered (an earlier attempt): recorded'
        : 'document delivered',
    );
    return 'delivered';
  } catch (error) {
    const message = storableError(error);
    const retryAt = nextAttemptAt(deps.policy, claim.attempts, deps.now());
    await deps.outbox.markFailed(claim, { error: message, retryAt });
    if (retryAt) {
      deps.log.warn({ ...context, error: message, retryAt }, 'document delivery failed; will retry');
      return 'retry';
    }
    deps.log.error(
      { ...context, error: message, maxAttempts: deps.policy.maxAttempts },
      'document delivery failed for good: run `billing outbox retry NUMBER` once the cause is fixed',
    );
    return 'failed';
  }
}
