/**
 * Periods close by themselves: every period whose end + grace has passed, in order, once, even
 * when two schedulers run at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuePeriods, type DueCloseReport } from '../../src/app/invoicing/close-due-periods';
import { PeriodCloseScheduler } from '../../src/app/invoicing/period-close-scheduler';
import { loadInvoicingConfig } from '../../src/config/invoicing-config';
import { PostgresCloseUnitOfWork } from '../../src/persistence/close-unit-of-work';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf } from './support';

let t: TestService;

beforeAll(async () => {
  t = await startTestService();
  await insertCustomers(t.service.database, [
    { account: 'a' },
    { account: 'b', timeZone: 'America/New_York', currency: 'SEK' },
    { account: 'quiet' },
  ]);
  await insertCharges(t.service.database, [
    { account: 'a', start: '2026-08-10T10:00:00Z', seconds: 60, amount: '1' },
    { account: 'a', start: '2026-09-10T10:00:00Z', seconds: 60, amount: '2' },
    { account: 'a', start: '2026-10-10T10:00:00Z', seconds: 60, amount: '3' },
    { account: 'a', start: '2026-11-10T10:00:00Z', seconds: 60, amount: '4' },
    // 2026-10-01T02:00Z is still September in New York
    { account: 'b', start: '2026-10-01T02:00:00Z', seconds: 60, amount: '5' },
  ]);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

function invoicingAt(now: string): { closeDuePeriods: () => Promise<DueCloseReport> } {
  const settings = { ...loadInvoicingConfig({}), closeGraceHours: 72 };
  const deps = {
    store: new PostgresInvoiceStore(t.service.database),
    closing: new PostgresCloseUnitOfWork(t.service.database),
    settings,
    now: () => new Date(now),
  };
  return { closeDuePeriods: () => closeDuePeriods(deps, {}) };
}

async function invoices(): Promise<{ customer_account: string; period_key: string; net_total: string }[]> {
  return rowsOf(
    knexOf(t.service.database).raw(
      `select customer_account, period_key, net_total::text from invoices where kind = 'INVOICE' order by customer_account, period_key`,
    ),
  );
}

describe('the period-close scheduler', () => {
  it('closes every period whose end + grace has passed, once, also with two schedulers at once', async () => {
    // 2 Nov 12:00 UTC: October ended less than 72 h ago (Stockholm and New York alike).
    const early = invoicingAt('2026-11-02T12:00:00Z');
    const [r1, r2] = await Promise.all([
      early.closeDuePeriods(),
      invoicingAt('2026-11-02T12:00:00Z').closeDuePeriods(),
    ]);
    expect(r1.skipped).toEqual([]);
    expect(r1.invoicesCreated + r2.invoicesCreated).toBe(3);
    expect(await invoices()).toEqual([
      { customer_account: 'a', period_key: '2026-08', net_total: '1.00' },
      { customer_account: 'a', period_key: '2026-09', net_total: '2.00' },
      { customer_account: 'b', period_key: '2026-09', net_total: '5.00' },
    ]);
    // 5 Nov: October is due; November is not.
    const later = await invoicingAt('2026-11-05T00:00:00Z').closeDuePeriods();
    expect(later.invoicesCreated).toBe(1);
    expect((await invoices()).map((i) => `${i.customer_account} ${i.period_key}`)).toEqual([
      'a 2026-08',
      'a 2026-09',
      'a 2026-10',
      'b 2026-09',
    ]);
    // b's October had no charges: closed without an invoice; a run again changes nothing.
    const again = await invoicingAt('2026-11-05T00:00:00Z').closeDuePeriods();
    expect(again).toEqual({ periodsClosed: 0, invoicesCreated: 0, skipped: [], notIssued: [], failed: [] });
    const closings = await rowsOf<{ customer_account: string; period_key: string }>(
      knexOf(t.service.database).raw(
        `select customer_account, period_key from period_closings order by 1, 2`,
      ),
    );
    expect(closings.map((r) => `${r.customer_account} ${r.period_key}`)).toEqual([
      'a 2026-08',
      'a 2026-09',
      'a 2026-10',
      'b 2026-09',
      'b 2026-10',
    ]);
  });

  it('runs on its interval, never overlapping, and stops cleanly', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const fake = {
      async closeDuePeriods() {
        running++;
        maxRunning = Math.max(maxRunning, running);
        runs++;
        await new Promise((r) => setTimeout(r, 30));
        running--;
        return { periodsClosed: 0, invoicesCreated: 0, skipped: [], notIssued: [], failed: [] };
      },
    };
    const scheduler = new PeriodCloseScheduler(fake, 10, { info() {}, error() {} });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 200));
    await scheduler.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(after);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(maxRunning).toBe(1);
    expect(running).toBe(0);
  });
});
