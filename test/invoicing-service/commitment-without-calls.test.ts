/**
 * A minimum commitment is billed from the period its contract starts in, calls or not: the
 * scheduler invoices a committed customer who never calls, and one who first calls in March for
 * January and February too. Never from before billing began on this installation (recorded when the
 * scheduler first found anything charged or closed): a contract imported as valid since 2019 is not
 * billed back to 2019, and before anything was charged or closed a commitment alone makes nothing due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import {
  BillingCycle,
  CustomerServiceDefinition,
  type Contract,
} from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition, InvoiceStatus } from '../../src/gen/billing/v1/invoice_service';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { createCustomers, plainContract } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { invoiceSummaries, scheduledRunAt as scheduledRun } from './scheduled-run';
import { insertCharges, knexOf, rowsOf } from './support';

/** Local midnight in Stockholm of a day in winter (+01:00) or summer (+02:00), as sales would send it. */
const WINTER = (day: string) => new Date(`${day}T00:00:00+01:00`);
const SUMMER = (day: string) => new Date(`${day}T00:00:00+02:00`);
const sek = (amount: string) => ({ currencyCode: 'SEK', amount });

let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    clock: new FixedClock('2026-06-05T00:00:00Z'),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  const sales = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(sales, ['CALLER', 'LATE', 'IMPORTED', 'QUIET', 'PLANNED', 'CHANGED', 'UNCOMMITTED'], {
    currencyCode: 'SEK',
  });
  const contract = async (account: string, id: string, overrides: Partial<Contract>) =>
    sales.upsertContract({
      requestId: `k-${id}`,
      contract: plainContract(account, { externalId: `k-${id}`, ...overrides }),
    });
  // Committed since January; first calls in March.
  await contract('LATE', 'late', { validFrom: WINTER('2026-01-01'), minimumCommitment: sek('500') });
  // Imported with the rest of sales' history: valid since 2019, long before billing began here.
  await contract('IMPORTED', 'imported', {
    validFrom: WINTER('2019-01-01'),
    minimumCommitment: sek('300'),
  });
  // April and May only.
  await contract('QUIET', 'quiet', {
    validFrom: SUMMER('2026-04-01'),
    validTo: SUMMER('2026-06-01'),
    minimumCommitment: sek('200'),
  });
  // No commitment of its own: its plan's (volume-2026 in rules/standard-2026-sek: 1100.00).
  await contract('PLANNED', 'planned', { validFrom: SUMMER('2026-05-01'), pricePlan: 'volume-2026' });
  // Monthly until April, then quarterly with a larger commitment.
  await contract('CHANGED', 'changed-monthly', {
    validFrom: WINTER('2026-01-01'),
    validTo: SUMMER('2026-04-01'),
    minimumCommitment: sek('100'),
  });
  await contract('CHANGED', 'changed-quarterly', {
    validFrom: SUMMER('2026-04-01'),
    billingCycle: BillingCycle.BILLING_CYCLE_QUARTERLY,
    minimumCommitment: sek('300'),
  });
  await contract('UNCOMMITTED', 'uncommitted', { validFrom: WINTER('2026-01-01') });
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

/** The scheduler's run at `now`, with the live price plans, issuing what it closes. */
const scheduledRunAt = (now: string) => scheduledRun(t, now, { liveRules: true });
const invoices = () => invoiceSummaries(t);

async function closedPeriods(account: string): Promise<string[]> {
  const rows = await rowsOf<{ period_key: string }>(
    knexOf(t.service.database).raw(
      `select period_key from period_closings where customer_account = ? order by period_start`,
      [account],
    ),
  );
  return rows.map((r) => r.period_key);
}

describe('a minimum commitment without calls', () => {
  it('makes nothing due before this installation has charged or closed anything', async () => {
    const report = await scheduledRunAt('2026-06-05T00:00:00Z');
    expect(report).toEqual({ periodsClosed: 0, invoicesCreated: 0, skipped: [], notIssued: [], failed: [] });
  });

  it('is invoiced for every period since its contract started, not before billing began', async () => {
    // Billing begins: the first charge is stored on 20 January, and the scheduler's next run finds it.
    await insertCharges(t.service.database, [
      { account: 'CALLER', start: '2026-01-20T10:00:00Z', seconds: 60, amount: '10' },
      { account: 'LATE', start: '2026-03-10T10:00:00Z', seconds: 600, amount: '100' },
    ]);
    expect(await scheduledRunAt('2026-01-20T10:01:00Z')).toMatchObject({ periodsClosed: 0, failed: [] });
    const june = await scheduledRunAt('2026-06-05T00:00:00Z');
    expect(june).toMatchObject({ skipped: [], notIssued: [], failed: [] });
    expect(await invoices()).toEqual([
      'CALLER 2026-01 10.00 usage',
      // Monthly under the first contract; April to June is one quarter, not yet due.
      'CHANGED 2026-01 100.00 minimum_commitment',
      'CHANGED 2026-02 100.00 minimum_commitment',
      'CHANGED 2026-03 100.00 minimum_commitment',
      // From January, when billing began; not from 2019.
      'IMPORTED 2026-01 300.00 minimum_commitment',
      'IMPORTED 2026-02 300.00 minimum_commitment',
      'IMPORTED 2026-03 300.00 minimum_commitment',
      'IMPORTED 2026-04 300.00 minimum_commitment',
      'IMPORTED 2026-05 300.00 minimum_commitment',
      'LATE 2026-01 500.00 minimum_commitment',
      'LATE 2026-02 500.00 minimum_commitment',
      'LATE 2026-03 500.00 usage,minimum_commitment',
      'LATE 2026-04 500.00 minimum_commitment',
      'LATE 2026-05 500.00 minimum_commitment',
      'PLANNED 2026-05 1100.00 minimum_commitment',
      'QUIET 2026-04 200.00 minimum_commitment',
      'QUIET 2026-05 200.00 minimum_commitment',
    ]);
    expect(june).toMatchObject({ invoicesCreated: 17 });
    expect(await closedPeriods('IMPORTED')).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05']);
    expect(await closedPeriods('UNCOMMITTED')).toEqual([]);
  });

  it('gets an issued invoice of the commitment: the top-up line, VAT and a number', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const { invoices: listed } = await billing.listInvoices({
      pageSize: 10,
      pageToken: '',
      customerAccount: 'IMPORTED',
      status: 0,
      kind: 0,
    });
    // Latest period first: January is the last.
    const january = listed[listed.length - 1]!;
    expect(january.periodStart).toEqual(WINTER('2026-01-01'));
    expect(january.lines.map((l) => [l.description, l.quantity, l.netAmount?.amount, l.vatRate])).toEqual([
      ['Minimum commitment top-up (commitment 300.00 SEK, usage 0.00)', '1', '300.00', '25'],
    ]);
    expect([january.netTotal?.amount, january.vatTotal?.amount, january.grossTotal?.amount]).toEqual([
      '300.00',
      '75.00',
      '375.00',
    ]);
    // Issued, numbered in the year's one series, older periods first.
    const numbers = listed.map((i) => i.number).reverse();
    expect(listed.map((i) => i.status)).toEqual(listed.map(() => InvoiceStatus.INVOICE_STATUS_ISSUED));
    expect(numbers).toHaveLength(5);
    expect(numbers.every((n) => /^INV-2026-\d{6}$/.test(n))).toBe(true);
    expect([...numbers].sort()).toEqual(numbers);
  });

  it('stops with the contract, and follows a change of cycle', async () => {
    const august = await scheduledRunAt('2026-08-05T00:00:00Z');
    expect(august).toMatchObject({ skipped: [], notIssued: [], failed: [] });
    const added = (await invoices()).filter((line) => / 2026-(0[6-7]|Q2)/.test(line));
    expect(added).toEqual([
      'CHANGED 2026-Q2 300.00 minimum_commitment',
      'IMPORTED 2026-06 300.00 minimum_commitment',
      'IMPORTED 2026-07 300.00 minimum_commitment',
      'LATE 2026-06 500.00 minimum_commitment',
      'LATE 2026-07 500.00 minimum_commitment',
      'PLANNED 2026-06 1100.00 minimum_commitment',
      'PLANNED 2026-07 1100.00 minimum_commitment',
    ]);
    // QUIET's contract ended with May: June and July close without an invoice.
    expect(await closedPeriods('QUIET')).toEqual(['2026-04', '2026-05', '2026-06', '2026-07']);
    expect(await closedPeriods('CHANGED')).toEqual(['2026-01', '2026-02', '2026-03', '2026-Q2']);
  });

  it('is not billed back to an old call imported later: billing began when it began', async () => {
    // Last year's CDR file, imported in August for a new customer: the first call ever stored is now
    // from 2024, but billing did not begin then. A committed customer signed since, valid from 2019
    // like IMPORTED, is billed from January, when billing began, not from the old call's month.
    const sales = t.client(CustomerServiceDefinition, 'sales');
    await createCustomers(sales, ['HISTORY', 'SIGNED'], { currencyCode: 'SEK' });
    await sales.upsertContract({
      requestId: 'k-signed',
      contract: plainContract('SIGNED', {
        externalId: 'k-signed',
        validFrom: WINTER('2019-01-01'),
        minimumCommitment: sek('300'),
      }),
    });
    await insertCharges(t.service.database, [
      { account: 'HISTORY', start: '2024-03-10T10:00:00Z', seconds: 60, amount: '1' },
    ]);
    const store = new PostgresInvoiceStore(t.service.database);
    expect(await store.billingBegan(new Date('2026-09-05T00:00:00Z'), 'UTC')).toEqual({
      at: new Date('2026-01-20T10:01:00Z'),
      timeZone: 'Europe/Stockholm',
    });
    await scheduledRunAt('2026-09-05T00:00:00Z');
    expect(await closedPeriods('SIGNED')).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
    ]);
  });
});
