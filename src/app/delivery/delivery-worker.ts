/**
 * Delivers the outbox by itself: every `intervalMs`, every due document is sent. Safe with several
 * replicas running it at once: the database hands each document to one worker at a time (claims
 * with `for update skip locked`, held by a lease). Runs never overlap within one process.
 */
import { deliverDueDocuments, type DeliveryDeps, type DeliveryReport } from './deliver-due-documents';

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly intervalMs: number,
  ) {}

  /** Starts the timer (the first run after one interval). */
  start(): void {
    if (this.intervalMs <= 0 || this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One run now (skipped when a run is still going); never throws. */
  async runOnce(): Promise<DeliveryReport | undefined> {
    if (this.running || this.stopped) return undefined;
    let report: DeliveryReport | undefined;
    this.running = (async () => {
      try {
        report = await deliverDueDocuments(this.deps, { signal: this.abort.signal });
      } catch (error) {
        // The outbox itself failed (the database): nothing was lost, the next run tries again.
        this.deps.log.error({ err: error }, 'delivering documents failed; will try again');
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    return report;
  }

  /** Stops the timer and waits for the batch in hand (its documents are sent and recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
