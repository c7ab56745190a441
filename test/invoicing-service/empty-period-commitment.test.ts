/**
 * A minimum commitment bills every period of its contract, calls or not: a month without calls gets
 * an invoice of the commitment, whether the scheduler or billing closes it. A month with nothing to
 * bill (no calls, no commitment) closes without an invoice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { startTestService, type TestService } from '../support/test-service';
import { invoiceSummaries, scheduledRunAt as scheduledRun } from './scheduled-run';
import { insertCharges, insertCustomers, knexOf, rowsOf, uuid } from './support';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    clock: new FixedClock('2026-11-05T00:00:00Z'),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await insertCustomers(t.service.database, [
    { account: 'committed', contract: { minimumCommitment: '100' } },
    { account: 'plain' },
  ]);
  await insertCharges(t.service.database, [
    { account: 'committed', start: '2026-08-10T10:00:00Z', seconds: 60, amount: '1' },
    { account: 'plain', start: '2026-08-10T10:00:00Z', seconds: 60, amount: '1' },
  ]);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const scheduledRunAt = (now: string) => scheduledRun(t, now);
const invoices = () => invoiceSummaries(t);

describe('a period without calls', () => {
  it('is invoiced the minimum commitment when the scheduler closes it, and nothing without one', async () => {
    await scheduledRunAt('2026-09-05T00:00:00Z');
    // September: no calls at all.
    const september = await scheduledRunAt('2026-10-05T00:00:00Z');
    expect(september).toMatchObject({ periodsClosed: 2, invoicesCreated: 1, skipped: [] });
    expect(await invoices()).toEqual([
      'committed 2026-08 100.00 usage,minimum_commitment',
      'committed 2026-09 100.00 minimum_commitment',
      'plain 2026-08 1.00 usage',
    ]);
    const closings = await rowsOf<{ customer_account: string; period_key: string }>(
      knexOf(t.service.database).raw(
        `select customer_account, period_key from period_closings where period_key = '2026-09' order by 1`,
      ),
    );
    expect(closings.map((c) => c.customer_account)).toEqual(['committed', 'plain']);
  });

  it('is invoiced the minimum commitment when billing closes it', async () => {
    // Customers who never called (added now, so the scheduler runs above do not see them).
    await insertCustomers(t.service.database, [
      { account: 'quiet', contract: { minimumCommitment: '40' } },
      { account: 'idle' },
    ]);
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const close = (account: string) =>
      billing.closeBillingPeriod({
        requestId: uuid(),
        customerAccount: account,
        periodContaining: new Date('2026-10-15T12:00:00Z'),
        issue: false,
      });
    const quiet = await close('quiet');
    expect(quiet.skipped).toEqual([]);
    expect(
      quiet.invoices.map((i) => [i.periodStart, i.netTotal?.amount, i.lines.map((l) => l.description)]),
    ).toEqual([
      [
        new Date('2026-09-30T22:00:00Z'),
        '40.00',
        ['Minimum commitment top-up (commitment 40.00 SEK, usage 0.00)'],
      ],
    ]);
    const idle = await close('idle');
    expect(idle).toMatchObject({ invoices: [], skipped: [] });
  });
});
