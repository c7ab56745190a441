/**
 * A job a process runs by itself every `intervalMs` (closing due periods, delivering the outbox):
 * runs never overlap within the process, a run's failure is the job's to report and never stops the
 * timer, and stopping waits for the run in hand. Replicas coordinate through the database, not here.
 */
export class RecurringJob<R> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();

  /** `run` gets a signal that aborts when the job stops; it must not throw (it reports its own errors). */
  constructor(
    private readonly run: (signal: AbortSignal) => Promise<R | undefined>,
    private readonly intervalMs: number,
  ) {}

  /** Starts the timer (the first run after one interval); an interval of 0 disables it. */
  start(): void {
    if (this.intervalMs <= 0 || this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One run now; skipped (undefined) while a run is still going or after stop. */
  async runOnce(): Promise<R | undefined> {
    if (this.running || this.stopped) return undefined;
    let result: R | undefined;
    this.running = (async () => {
      result = await this.run(this.abort.signal);
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    return result;
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
