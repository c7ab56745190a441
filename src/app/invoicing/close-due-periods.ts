/**
 * What the scheduler runs (./period-close-scheduler.ts): for every customer, closes every period
 * whose end + grace has passed, in order, from the end of its last closed period on; a customer none
 * of whose periods is closed yet, from its first uninvoiced charge or, when a contract of it bills a
 * minimum commitment, from that contract's start if earlier, but not from before billing began on
 * this installation (./commitment-due.ts).
 */
import { DomainError } from '../../domain/errors';
import { periodContaining } from '../../domain/periods/index';
import { periodOptionsAt } from './build';
import { buildInvoice } from './build-invoice';
import type { ClosingDeps } from './close-period';
import { closeTargets } from './close-targets';
import { commitmentStarts } from './commitment-due';
import { issueOptions } from './issue-guard';
import type { ChargeGroup, CloseOutcome, CloseTarget } from './ports';
import { todayIn } from './today';

export interface CloseDuePeriodsInput {
  /** Stops between closing transactions (the service is shutting down). */
  signal?: AbortSignal;
}

export interface DueCloseReport {
  periodsClosed: number;
  invoicesCreated: number;
  skipped: { customerAccount: string; periodKey: string; reason: string }[];
  /** Closed, but left drafts: the issue guard refused them (e.g. no exchange rate for their currency). */
  notIssued: { invoiceId: string; reason: string }[];
  /** Customers whose close failed alone (also in `skipped`); the error is for the log. */
  failed: { customerAccount: string; periodKey: string; error: unknown }[];
}

/** At most this many periods per customer in one scheduler run (a long outage catches up over runs). */
const MAX_PERIODS_PER_RUN = 24;
/** Closes of single customers failing one after the other: the database, not a customer. */
const FAILURES_IN_A_ROW_MEAN_OUTAGE = 3;

export async function closeDuePeriods(
  deps: ClosingDeps,
  input: CloseDuePeriodsInput = {},
): Promise<DueCloseReport> {
  const now = deps.now();
  const graceMs = deps.settings.closeGraceHours * 3_600_000;
  const [customers, state] = await Promise.all([deps.store.customers(), deps.store.closingState()]);
  const rounds: CloseTarget[][] = [];
  const report: DueCloseReport = {
    periodsClosed: 0,
    invoicesCreated: 0,
    skipped: [],
    notIssued: [],
    failed: [],
  };
  const began = await deps.store.billingBegan(now, deps.settings.timeZone);
  const commitmentFrom = commitmentStarts(began, now, deps.periodPricing);
  for (const customer of customers) {
    const s = state.get(customer.account);
    try {
      const from = s?.closedUntil ?? earliest(s?.firstOpenCharge, commitmentFrom(customer));
      if (!from) continue;
      let period = periodContaining(from, periodOptionsAt(customer, from));
      for (let k = 0; k < MAX_PERIODS_PER_RUN && period.end.getTime() + graceMs <= now.getTime(); k++) {
        (rounds[k] ??= []).push({ customer, period });
        // Each period under the contract in force at its start, as the next run would lay it out
        // from the end of this one and as running charges does: a monthly contract turned quarterly
        // in April closes April to June as one period, whether this run or a later one gets there.
        period = periodContaining(period.end, periodOptionsAt(customer, period.end));
      }
    } catch (error) {
      // One customer's unusable contract does not stop the others: it is reported and skipped.
      if (!(error instanceof DomainError)) throw error;
      report.skipped.push({ customerAccount: customer.account, periodKey: '', reason: error.message });
    }
  }
  // Refusals per draft are reported, not thrown: one invoice without an exchange rate must not keep
  // the others of its chunk unnumbered (they would stay drafts: the scheduler does not come back to them).
  const issue = deps.settings.closeIssues
    ? {
        ...(await issueOptions(deps.settings, todayIn(deps.settings.timeZone, now))),
        onRefused: (invoiceId: string, reason: string) => report.notIssued.push({ invoiceId, reason }),
      }
    : undefined;
  const closing = {
    closing: deps.closing,
    store: deps.store,
    build: (target: CloseTarget, charges: ChargeGroup[]) => buildInvoice(deps, { target, charges }),
  };
  const options = {
    series: deps.settings.invoiceSeries,
    ...(issue ? { issue } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
  };
  // Customers whose close failed this run: their later periods wait (periods close in order).
  const failed = new Set<string>();
  for (const round of rounds) {
    const targets = round.filter((t) => !failed.has(t.customer.account));
    let outcomes: CloseOutcome[];
    try {
      outcomes = await closeTargets(closing, { ...options, targets });
    } catch (error) {
      // One customer's failure rolls its whole chunk back, run after run: the round is closed again
      // one customer at a time, so the one that fails is reported and the others are invoiced.
      outcomes = [];
      const fail = (target: CloseTarget, cause: unknown) => {
        const customerAccount = target.customer.account;
        failed.add(customerAccount);
        report.failed.push({ customerAccount, periodKey: target.period.key, error: cause });
        report.skipped.push({
          customerAccount,
          periodKey: target.period.key,
          reason: 'closing failed; see the server log; will try again',
        });
      };
      if (targets.length === 1) fail(targets[0]!, error);
      let inARow = 0;
      for (const target of targets.length > 1 ? targets : []) {
        if (input.signal?.aborted) break;
        try {
          outcomes.push(...(await closeTargets(closing, { ...options, targets: [target] })));
          inARow = 0;
        } catch (single) {
          if (++inARow >= FAILURES_IN_A_ROW_MEAN_OUTAGE) throw single;
          fail(target, single);
        }
      }
    }
    for (const o of outcomes) {
      if (o.result === 'closed') {
        report.periodsClosed++;
        if (o.invoiceId) report.invoicesCreated++;
      } else if (o.result === 'skipped')
        report.skipped.push({ customerAccount: o.account, periodKey: o.periodKey, reason: o.reason });
    }
  }
  return report;
}

function earliest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a || !b) return a ?? b;
  return a.getTime() <= b.getTime() ? a : b;
}
