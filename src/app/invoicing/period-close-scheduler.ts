/**
 * Closes billing periods by themselves: every `intervalMs`, every period whose end + grace has
 * passed is closed. Safe with several replicas running it at once: the database decides who closes
 * what (period_closings' primary key, claimed in key order; the loser waits and then skips), so each
 * period is closed exactly once. Runs never overlap within one process (../recurring-job.ts).
 */
import { RecurringJob } from '../recurring-job';
import type { DueCloseReport } from './close-due-periods';
import type { InvoicingUseCases } from './invoicing-use-cases';

export interface SchedulerLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class PeriodCloseScheduler {
  private readonly job: RecurringJob<DueCloseReport>;

  constructor(
    private readonly invoicing: Pick<InvoicingUseCases, 'closeDuePeriods'>,
    intervalMs: number,
    private readonly log: SchedulerLog,
  ) {
    this.job = new RecurringJob((signal) => this.closeDue(signal), intervalMs);
  }

  /** Starts the timer (the first run after one interval). intervalMs 0 disables the scheduler. */
  start(): void {
    this.job.start();
  }

  /** One run now (skipped when a run is still going); never throws. */
  runOnce(): Promise<DueCloseReport | undefined> {
    return this.job.runOnce();
  }

  /** Stops the timer and waits for a run in progress (its transactions commit or roll back). */
  stop(): Promise<void> {
    return this.job.stop();
  }

  private async closeDue(signal: AbortSignal): Promise<DueCloseReport | undefined> {
    const started = Date.now();
    try {
      const report = await this.invoicing.closeDuePeriods({ signal });
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
      return report;
    } catch (error) {
      this.log.error({ err: error }, 'closing due billing periods failed; will try again');
      return undefined;
    }
  }
}
