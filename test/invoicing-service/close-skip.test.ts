/**
 * A customer whose period cannot be invoiced (charges in another currency than the customer's) is
 * skipped with the reason, and everything is given back: no invoice, no claimed charge, and the
 * period closes normally once the data is fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf, uuid } from './support';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({ env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  await insertCustomers(t.service.database, [{ account: 'mixed' }, { account: 'plain' }]);
  await insertCharges(t.service.database, [
    { account: 'mixed', start: '2026-10-05T10:00:00Z', seconds: 60, amount: '1.00' },
    { account: 'mixed', start: '2026-10-06T10:00:00Z', seconds: 60, amount: '2.00', currency: 'EUR' },
    { account: 'plain', start: '2026-10-05T10:00:00Z', seconds: 60, amount: '3.00' },
  ]);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

describe('closing a period that cannot be invoiced', () => {
  it('skips the customer with the reason and gives its period and charges back', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const close = () =>
      billing.closeBillingPeriod({
        requestId: uuid(),
        customerAccount: '',
        periodContaining: new Date('2026-10-15T12:00:00Z'),
        issue: false,
      });
    const first = await close();
    expect(first.invoices.map((i) => [i.customerAccount, i.netTotal!.amount])).toEqual([['plain', '3.00']]);
    expect(first.skipped).toEqual([
      { customerAccount: 'mixed', reason: "charges in EUR but the customer's currency is SEK" },
    ]);
    const knex = knexOf(t.service.database);
    const claimed = await rowsOf<{ n: number }>(
      knex.raw(
        `select count(*)::int as n from charges c join charge_claims k on k.charge_id = c.id where c.customer_account = 'mixed' and k.invoice_id is not null`,
      ),
    );
    expect(claimed[0]!.n).toBe(0);

    // Fixed: the EUR charge was a mistake and is superseded; the next close invoices the rest.
    await knex.raw(
      `update charges set superseded_at = now() where customer_account = 'mixed' and currency = 'EUR'`,
    );
    const second = await close();
    expect(second.skipped).toEqual([]);
    expect(second.invoices.map((i) => [i.customerAccount, i.netTotal!.amount]).sort()).toEqual([
      ['mixed', '1.00'],
      ['plain', '3.00'],
    ]);
  });
});
