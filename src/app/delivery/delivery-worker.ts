/**
 * Delivers the outbox by itself: every `intervalMs`, every due document is sent. Safe with several
 * replicas running it at once: the database hands each document to one worker at a time (claims
 * with `for update skip locked`, held by a lease). Runs never overlap within one process
 * (../recurring-job.ts).
 */
import { RecurringJob } from '../recurring-job';
import { deliverDueDocuments, type DeliveryDeps, type DeliveryReport } from './deliver-due-documents';

export class DeliveryWorker {
  private readonly job: RecurringJob<DeliveryReport>;

  constructor(
    private readonly deps: DeliveryDeps,
    intervalMs: number,
  ) {
    this.job = new RecurringJob((signal) => this.deliver(signal), intervalMs);
  }

  /** Starts the timer (the first run after one interval). */
  start(): void {
    this.job.start();
  }

  /** One run now (skipped when a run is still going); never throws. */
  runOnce(): Promise<DeliveryReport | undefined> {
    return this.job.runOnce();
  }

  /** Stops the timer and waits for the batch in hand (its documents are sent and recorded). */
  stop(): Promise<void> {
    return this.job.stop();
  }

  private async deliver(signal: AbortSignal): Promise<DeliveryReport | undefined> {
    try {
      return await deliverDueDocuments(this.deps, { signal });
    } catch (error) {
      // The outbox itself failed (the database): nothing was lost, the next run tries again.
      this.deps.log.error({ err: error }, 'delivering documents failed; will try again');
      return undefined;
    }
  }
}
