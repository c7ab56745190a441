/**
 * Period pricing from the rule files, end to end: sales puts a customer on the `volume-2026` plan,
 * the bridge streams October's local dial-in legs, billing closes October. The plan in
 * rules/standard-2026 prices those minutes at zero per call and on graduated tiers per period
 * (up to 1000 min at 0.10, up to 10000 at 0.08 plus a 5.00 flat fee, then 0.05) with a 100.00
 * minimum commitment; a contract's own minimum commitment replaces the plan's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition, type Contract } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition, type Invoice } from '../../src/gen/billing/v1/invoice_service';
import { createCustomers, plainContract } from '../support/customers';
import { FixedClock } from '../../src/app/clock';
import { startTestService, type TestService } from '../support/test-service';
import { answeredCall } from '../support/answered-call';

let t: TestService;
beforeAll(async () => {
  // A pinned clock: issuing an EUR invoice takes the exchange rate of its issue date (rules/exchange-rates.json).
  t = await startTestService({
    clock: new FixedClock(new Date('2026-11-28T12:00:00Z')),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  const sales = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(sales, ['TIERED', 'SMALL', 'COMMITTED']);
  const contract = (account: string, overrides: Partial<Contract> = {}): Contract =>
    plainContract(account, { pricePlan: 'volume-2026', ...overrides });
  await sales.upsertContract({ requestId: 'k-tiered', contract: contract('TIERED') });
  await sales.upsertContract({ requestId: 'k-small', contract: contract('SMALL') });
  await sales.upsertContract({
    requestId: 'k-committed',
    contract: contract('COMMITTED', { minimumCommitment: { currencyCode: 'EUR', amount: '30.00' } }),
  });
});
afterAll(async () => {
  await t?.stop();
});

let n = 0;
/** `count` local dial-in legs of `minutes` each, Tuesday 6 October 2026 from 09:00 UTC. */
function legs(account: string, count: number, minutes: number): Cdr[] {
  return Array.from({ length: count }, (_, i) => {
    n += 1;
    return answeredCall({
      bridgeId: 'pp-bridge',
      recordId: `pp-${n}`,
      conferenceId: `conf-${account}`,
      customerAccount: account,
      accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
      callerNumber: '+46812345678',
      calledNumber: '+46850000000',
      start: new Date(Date.UTC(2026, 9, 6, 9, i)),
      seconds: minutes * 60,
    });
  });
}

async function closeOctober(account: string): Promise<Invoice> {
  const closed = await t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
    requestId: `close-${account}`,
    customerAccount: account,
    periodContaining: new Date('2026-10-15T12:00:00Z'),
    issue: true,
  });
  expect(closed.skipped).toEqual([]);
  return closed.invoices[0]!;
}

async function send(cdrs: Cdr[]) {
  const { results } = await t
    .client(CdrIngestServiceDefinition, 'bridge')
    .submitCdrs({ requestId: `s-${cdrs[0]!.recordId}`, cdrs });
  expect(
    results.every((r) => r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED && r.charge?.amount === '0.00'),
  ).toBe(true);
}

const view = (i: Invoice) =>
  i.lines.map((l) => [l.description, l.quantity, l.unitPrice!.amount, l.netAmount!.amount]);
const totals = (i: Invoice) => [i.netTotal!.amount, i.vatTotal!.amount, i.grossTotal!.amount];

describe('period pricing from the rule files', () => {
  it('prices 1,500 dial-in minutes on the graduated tiers of the customer plan', async () => {
    await send(legs('TIERED', 25, 60));
    const invoice = await closeOctober('TIERED');
    expect(view(invoice)).toEqual([
      // 25 legs of 3600 s at the plan's 0.00 per minute
      ['Dial-in, local number', '90000', '0', '0.00'],
      // in seconds at the tier's price per minute: 60000 x 0.10 / 60 = 100.00; 30000 x 0.08 / 60 = 40.00;
      // tier 2 flat fee 5.00
      [expect.stringMatching(/tier 1 \(0–1000 min\)$/), '60000', '0.1', '100.00'],
      [expect.stringMatching(/tier 2 \(1000–10000 min\)$/), '30000', '0.08', '40.00'],
      [expect.stringMatching(/tier 2 flat fee$/), '1', '5.00', '5.00'],
    ]);
    // 145.00 is above the 100.00 commitment; VAT 25 % = 36.25
    expect(totals(invoice)).toEqual(['145.00', '36.25', '181.25']);
  });

  it('tops a small month up to the plan minimum commitment, or to the contract own one', async () => {
    await send(legs('SMALL', 2, 50));
    const small = await closeOctober('SMALL');
    // 6000 s (100 min) x 0.10 / 60 = 10.00, topped up by 90.00 to the plan's 100.00
    expect(view(small).slice(1)).toEqual([
      [expect.stringMatching(/tier 1/), '6000', '0.1', '10.00'],
      [expect.stringMatching(/^Minimum commitment top-up/), '1', '90.00', '90.00'],
    ]);
    expect(totals(small)).toEqual(['100.00', '25.00', '125.00']);

    await send(legs('COMMITTED', 2, 50));
    const committed = await closeOctober('COMMITTED');
    // The contract's 30.00 replaces the plan's 100.00: 10.00 + 20.00
    expect(view(committed).slice(2)).toEqual([
      [expect.stringMatching(/^Minimum commitment top-up/), '1', '20.00', '20.00'],
    ]);
    expect(totals(committed)).toEqual(['30.00', '7.50', '37.50']);
  });
});
