/**
 * Closes billing periods by themselves: every `intervalMs`, every period whose end + grace has
 * passed is closed. Safe with several replicas running it at once: the database decides who closes
 * what (period_closings' primary key, claimed in key order; the loser waits and then skips), so each
 * period is closed exactly once. Runs never overlap within one process.
 */
import type { DueCloseReport } from './close-due-periods';
import type { InvoicingUseCases } from './invoicing-use-cases';

export interface SchedulerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class PeriodCloseScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly invoicing: Pick<InvoicingUseCases, 'closeDuePeriods'>,
    private readonly intervalMs: number,
    private readonly log: SchedulerLog,
  ) {}

  /** Starts the timer (the first run after one interval). intervalMs 0 disables the scheduler. */
  start(): void {
    if (this.intervalMs <= 0 || this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One run now (skipped when a run is still going); never throws. */
  async runOnce(): Promise<DueCloseReport | undefined> {
    if (this.running || this.stopped) return undefined;
    let report: DueCloseReport | undefined;
    this.running = (async () => {
      const started = Date.now();
      try {
        report = await this.invoicing.closeDuePeriods({ signal: this.abort.signal });
        if (report.periodsClosed || report.skipped.length || report.notIssued.length) {
          this.log.info(
            {
              periodsClosed: report.periodsClosed,
              invoicesCreated: report.invoicesCreated,
              skipped: report.skipped.slice(0, 20),
              notIssued: report.notIssued.slice(0, 20),
              ms: Date.now() - started,
            },
            'billing periods closed',
          );
        }
      } catch (error) {
        this.log.error({ err: error }, 'closing due billing periods failed; will try again');
      }
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
    return report;
  }

  /** Stops the timer and waits for a run in progress (its transactions commit or roll back). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
