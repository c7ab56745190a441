/**
 * Closing one billing period on demand, for one customer or for all: idempotent (a closed period
 * answers its invoice), and with `issue` it also issues drafts an earlier close left, so a retry
 * converges.
 */
import { DomainError, NotFoundError, ValidationError } from '../../domain/errors';
import { periodContaining, type BillingPeriod } from '../../domain/periods/index';
import { periodOptionsAt } from './build';
import { buildInvoice, type BuildInvoiceDeps } from './build-invoice';
import type { CloseUnitOfWork } from './close-ports';
import { closeTargets } from './close-targets';
import type { InvoicingSettings } from './invoicing-settings';
import { issueOptions, type IssueGuardSettings } from './issue-guard';
import type { CloseOutcome, CloseTarget, InvoiceStore, StoredInvoice } from './ports';
import { todayIn } from './today';

export interface ClosingDeps extends BuildInvoiceDeps {
  store: Pick<InvoiceStore, 'customers' | 'closingState' | 'billingBegan' | 'getInvoices' | 'transaction'>;
  closing: CloseUnitOfWork;
  settings: Pick<
    InvoicingSettings,
    'seller' | 'vatRate' | 'timeZone' | 'invoiceSeries' | 'closeIssues' | 'closeGraceHours'
  > &
    IssueGuardSettings;
}

export interface ClosePeriodInput {
  /** One customer; all customers when absent. */
  customerAccount?: string;
  /** The period containing this instant (per customer), or the one starting exactly at periodStart. */
  periodContaining?: Date;
  periodStart?: Date;
  issue?: boolean;
}

export interface CloseResult {
  invoices: StoredInvoice[];
  skipped: { customerAccount: string; reason: string }[];
}

export async function closePeriod(deps: ClosingDeps, input: ClosePeriodInput): Promise<CloseResult> {
  const reference = input.periodContaining ?? input.periodStart;
  if (!reference)
    throw new ValidationError([
      { field: 'period', reason: 'one of period_containing or period_start is required' },
    ]);
  const customers = await deps.store.customers(input.customerAccount ? [input.customerAccount] : undefined);
  if (input.customerAccount && !customers.length)
    throw new NotFoundError(`no customer ${JSON.stringify(input.customerAccount)}`);
  const now = deps.now();
  const skipped: CloseResult['skipped'] = [];
  const targets: CloseTarget[] = [];
  // Customers share a handful of layouts (zone, cycle, anchor): lay each out once, not per customer
  // (time-zone arithmetic was a second of CPU for 10,000 customers).
  const periods = new Map<string, BillingPeriod>();
  for (const customer of customers) {
    let period: BillingPeriod;
    try {
      const options = periodOptionsAt(customer, reference);
      const key = JSON.stringify(options);
      period = periods.get(key) ?? periodContaining(reference, options);
      periods.set(key, period);
    } catch (error) {
      // One customer's unusable contract does not stop the others: it is skipped, with the reason.
      if (!(error instanceof DomainError)) throw error;
      skipped.push({
        customerAccount: customer.account,
        reason: `cannot lay out its periods: ${error.message}`,
      });
      continue;
    }
    if (input.periodStart && period.start.getTime() !== input.periodStart.getTime()) {
      skipped.push({
        customerAccount: customer.account,
        reason: `no billing period starts at ${input.periodStart.toISOString()}; the period containing it starts at ${period.start.toISOString()}`,
      });
      continue;
    }
    if (period.end.getTime() > now.getTime()) {
      skipped.push({
        customerAccount: customer.account,
        reason: `period ${period.key} ends ${period.end.toISOString()}, in the future`,
      });
      continue;
    }
    targets.push({ customer, period });
  }
  const issue = input.issue
    ? await issueOptions(deps.settings, todayIn(deps.settings.timeZone, now))
    : undefined;
  const series = deps.settings.invoiceSeries;
  const idsOf = (outcomes: CloseOutcome[]) =>
    outcomes.flatMap((o) => (o.result !== 'skipped' && o.invoiceId ? [o.invoiceId] : []));
  // Each chunk's invoices are read back as soon as it is committed, while the next chunks close.
  const loaded = new Map<string, StoredInvoice>();
  const outcomes = await closeTargets(
    {
      closing: deps.closing,
      store: deps.store,
      build: (target, charges) => buildInvoice(deps, { target, charges }),
    },
    {
      targets,
      series,
      ...(issue ? { issue } : {}),
      afterChunk: async (chunk) => {
        for (const i of await deps.store.getInvoices(idsOf(chunk))) loaded.set(i.id, i);
      },
    },
  );
  for (const o of outcomes)
    if (o.result === 'skipped') skipped.push({ customerAccount: o.account, reason: o.reason });
  const ids = idsOf(outcomes);
  if (issue) {
    // Drafts from an earlier close without `issue`: issue them now, so a retry converges.
    const drafts = ids.filter((id) => loaded.get(id)?.status === 'DRAFT');
    if (drafts.length) {
      await deps.store.transaction((tx) => tx.issue(drafts, { ...issue, series }));
      for (const i of await deps.store.getInvoices(drafts)) loaded.set(i.id, i);
    }
  }
  const invoices = ids.flatMap((id) => {
    const invoice = loaded.get(id);
    return invoice ? [invoice] : [];
  });
  return { invoices, skipped };
}
