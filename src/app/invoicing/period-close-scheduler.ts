/**
 * Closes billing periods by themselves: every `intervalMs`, every period whose end + grace has
 * passed is closed. Safe with several replicas running it at once: the database decides who closes
 * what (period_closings' primary key, claimed in key order; the loser waits and then skips), so each
 * period is closed exactly once. Runs never overlap within one process (../recurring-job.ts).
 */
import { RecurringJob } from '../recurring-job';
import { closeDuePeriods, type CloseDuePeriodsInput, type DueCloseReport } from './close-due-periods';
import type { ClosingDeps } from './close-period';
import { issueLeftDrafts } from './close-targets';
import type { InvoicingUseCases } from './invoicing-use-cases';
import { issueOptions } from './issue-guard';
import type { InvoiceStore } from './ports';
import { todayIn } from './today';

export interface ScheduledCloseDeps extends ClosingDeps {
  store: ClosingDeps['store'] & Pick<InvoiceStore, 'periodDrafts'>;
}

/**
 * One scheduled run (the use case `closeDuePeriods`). With BILLING_CLOSE_ISSUE, first the drafts a
 * closing left behind: a close commits before its invoices are numbered, and a failed or interrupted
 * numbering leaves them drafts of a closed period, which closing due periods never comes back to.
 * They are issued first, oldest period first, so they take their numbers before later periods' invoices
 * do. Only periods due to close (end + grace passed) are looked at: what closing would issue anyway.
 * Without BILLING_CLOSE_ISSUE drafts are for review and stay drafts.
 */
export async function closeDueAndLeftDrafts(
  deps: ScheduledCloseDeps,
  input: CloseDuePeriodsInput = {},
): Promise<DueCloseReport> {
  const refused: DueCloseReport['notIssued'] = [];
  if (deps.settings.closeIssues) {
    const now = deps.now();
    await issueLeftDrafts(deps, {
      series: deps.settings.invoiceSeries,
      issue: {
        ...(await issueOptions(deps.settings, todayIn(deps.settings.timeZone, now))),
        onRefused: (invoiceId, reason) => refused.push({ invoiceId, reason }),
      },
      endedBy: new Date(now.getTime() - deps.settings.closeGraceHours * 3_600_000),
      ...(input.signal ? { signal: input.signal } : {}),
    });
  }
  const report = await closeDuePeriods(deps, input);
  return { ...report, notIssued: [...refused, ...report.notIssued] };
}

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
      for (const { customerAccount, periodKey, error } of report.failed.slice(0, 20))
        this.log.error(
          { err: error, customerAccount, periodKey },
          "closing a customer's period failed; the others closed; will try again",
        );
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
