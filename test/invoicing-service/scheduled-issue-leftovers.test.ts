/**
 * With BILLING_CLOSE_ISSUE the scheduler numbers what it closes in a transaction of its own, after
 * the close has committed. When that numbering fails, the next run issues the drafts left behind,
 * before a later period's invoice takes a number. Without BILLING_CLOSE_ISSUE drafts stay drafts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DueCloseReport } from '../../src/app/invoicing/close-due-periods';
import {
  closeDueAndLeftDrafts,
  type ScheduledCloseDeps,
} from '../../src/app/invoicing/period-close-scheduler';
import { loadInvoicingConfig } from '../../src/config/invoicing-config';
import { PostgresCloseUnitOfWork } from '../../src/persistence/close-unit-of-work';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf } from './support';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

/** `account` calls once on the 10th of each month given (YYYY-MM). */
async function customerCalling(account: string, months: string[]): Promise<void> {
  await insertCustomers(t.service.database, [{ account }]);
  await insertCharges(
    t.service.database,
    months.map((m, i) => ({ account, start: `${m}-10T10:00:00Z`, seconds: 60, amount: String(i + 1) })),
  );
}

/**
 * The scheduler's run at `now` (72 h grace), as the service composes it; `failIssue` makes the
 * run's first numbering transaction fail, as a dropped connection would, after the close committed.
 */
function scheduledRunAt(
  now: string,
  options: { closeIssues: boolean; failIssue?: boolean },
): Promise<DueCloseReport> {
  const settings = {
    ...loadInvoicingConfig({ BILLING_DEMO: 'true' }),
    closeIssues: options.closeIssues,
    closeGraceHours: 72,
  };
  const real = new PostgresInvoiceStore(t.service.database);
  let fail = options.failIssue ?? false;
  const store: ScheduledCloseDeps['store'] = {
    customers: (accounts) => real.customers(accounts),
    closingState: () => real.closingState(),
    billingBegan: (now, zone) => real.billingBegan(now, zone),
    getInvoices: (ids) => real.getInvoices(ids),
    periodDrafts: (endedBy) => real.periodDrafts(endedBy),
    transaction: (fn) => {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('Connection terminated unexpectedly'));
      }
      return real.transaction(fn);
    },
  };
  return closeDueAndLeftDrafts({
    store,
    closing: new PostgresCloseUnitOfWork(t.service.database),
    settings,
    now: () => new Date(now),
  });
}

async function invoicesOf(account: string): Promise<string[]> {
  const rows = await rowsOf<{ period_key: string; status: string; number: string | null }>(
    knexOf(t.service.database).raw(
      `select period_key, status, number from invoices where customer_account = ? order by period_key`,
      [account],
    ),
  );
  return rows.map((r) => `${r.period_key} ${r.status} ${r.number ?? '-'}`);
}

describe('scheduled closing', () => {
  it('with BILLING_CLOSE_ISSUE, issues the drafts a failed numbering left, before the next period takes a number', async () => {
    await customerCalling('x', ['2026-08', '2026-09']);
    const failed = await scheduledRunAt('2026-09-05T00:00:00Z', { closeIssues: true, failIssue: true });
    expect(failed.failed.map((f) => [f.customerAccount, (f.error as Error).message])).toEqual([
      ['x', 'Connection terminated unexpectedly'],
    ]);
    // August is closed, but its invoice was never numbered.
    expect(await invoicesOf('x')).toEqual(['2026-08 DRAFT -']);

    const next = await scheduledRunAt('2026-10-05T00:00:00Z', { closeIssues: true });
    expect(next).toMatchObject({ periodsClosed: 1, invoicesCreated: 1, skipped: [], notIssued: [] });
    expect(await invoicesOf('x')).toEqual([
      '2026-08 ISSUED INV-2026-000001',
      '2026-09 ISSUED INV-2026-000002',
    ]);
  });

  it('without BILLING_CLOSE_ISSUE, keeps the drafts it closes for review', async () => {
    await customerCalling('review', ['2026-10', '2026-11']);
    await scheduledRunAt('2026-11-05T00:00:00Z', { closeIssues: false });
    const next = await scheduledRunAt('2026-12-05T00:00:00Z', { closeIssues: false });
    expect(next.skipped).toEqual([]);
    expect(await invoicesOf('review')).toEqual(['2026-10 DRAFT -', '2026-11 DRAFT -']);
  });
});
