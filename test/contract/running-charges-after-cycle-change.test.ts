/** Running charges after a contract turned a monthly customer quarterly: only what the next invoice bills. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { BillingCycle, CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { REBUILD_DAILY_TOTALS } from '../../src/persistence/daily-totals-sql';
import { createCustomers, plainContract } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, knexOf } from '../invoicing-service/support';

const NOW = new Date('2026-03-20T12:00:00Z');
let t: TestService;

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW) });
  const customers = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(customers, ['CC']);
  // Monthly from January, quarterly from 15 March (local midnight, Stockholm UTC+1).
  await customers.upsertContract({
    requestId: 'k1',
    expectedVersion: 0,
    contract: plainContract('CC', {
      externalId: 'k-CC-1',
      validFrom: new Date('2025-12-31T23:00:00Z'),
      validTo: new Date('2026-03-14T23:00:00Z'),
    }),
  });
  await customers.upsertContract({
    requestId: 'k2',
    expectedVersion: 0,
    contract: plainContract('CC', {
      externalId: 'k-CC-2',
      validFrom: new Date('2026-03-14T23:00:00Z'),
      billingCycle: BillingCycle.BILLING_CYCLE_QUARTERLY,
    }),
  });
  await insertCharges(t.service.database, [
    { account: 'CC', start: '2026-01-10T10:00:00Z', seconds: 60, amount: '1.00', currency: 'EUR' },
    { account: 'CC', start: '2026-02-10T10:00:00Z', seconds: 60, amount: '2.00', currency: 'EUR' },
    { account: 'CC', start: '2026-03-05T10:00:00Z', seconds: 60, amount: '4.00', currency: 'EUR' },
    { account: 'CC', start: '2026-03-18T10:00:00Z', seconds: 60, amount: '8.00', currency: 'EUR' },
  ]);
  const [drop, rebuild] = REBUILD_DAILY_TOTALS;
  await knexOf(t.service.database).transaction(async (trx) => {
    await trx.raw(drop, [JSON.stringify(['CC'])]);
    await trx.raw(rebuild, [JSON.stringify(['CC'])]);
  });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('running charges after a cycle change', () => {
  it('count only the charges the next invoice will bill', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const jan = await billing.closeBillingPeriod({
      requestId: 'c-jan',
      customerAccount: 'CC',
      periodContaining: new Date('2026-01-15T00:00:00Z'),
      issue: false,
    });
    const feb = await billing.closeBillingPeriod({
      requestId: 'c-feb',
      customerAccount: 'CC',
      periodContaining: new Date('2026-02-15T00:00:00Z'),
      issue: false,
    });
    // January (1.00) and February (2.00) are on their own invoices already.
    expect(jan.invoices.map((i) => i.netTotal?.amount)).toEqual(['1.00']);
    expect(feb.invoices.map((i) => i.netTotal?.amount)).toEqual(['2.00']);
    const r = await t.client(InvoiceServiceDefinition, 'sales').getRunningCharges({ customerAccount: 'CC' });
    expect(r.periodStart).toEqual(new Date('2026-02-28T23:00:00Z'));
    expect(r.totals).toEqual([{ currencyCode: 'EUR', amount: '12' }]);
  });
});
