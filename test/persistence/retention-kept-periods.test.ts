/**
 * Retention keeps every charge of a period that ends after its cutoff, although partitions are cut
 * by UTC month and periods in the customer's zone: a Stockholm October begins on 30 September
 * 22:00 UTC, so its first calls are in the September partition. `retention archive --before 2026-10`
 * keeps September while October is a kept period, so the October invoice still lists all its calls
 * and a rerate of October corrects it from all of them (before, it rebuilt the invoice without the
 * archived calls and issued a wrong correction with an invented minimum commitment top-up). Once the
 * cutoff is past October's end, September and October go.
 *
 * Prices (rules/standard-2026, Stockholm time): dial-out SE fixed 0.06/min at peak (Mon-Fri 08-18),
 * 0.04/min off-peak; the edited rules: peak 0.05. Minimum commitment 50.00 EUR a month.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition, type Invoice } from '../../src/gen/billing/v1/invoice_service';
import { Decimal } from '../../src/domain/money';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { MonthRetention } from '../../src/persistence/month-retention';
import { answeredCall } from '../support/answered-call';
import { createCustomers, plainContract } from '../support/customers';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';

const OCTOBER = { startTime: new Date('2026-09-30T22:00:00Z'), endTime: new Date('2026-10-31T23:00:00Z') };

let t: TestService;
let rulesDir: string;
const clock = new FixedClock(new Date('2026-11-28T12:00:00Z'));
beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({
    clock,
    rulesDir,
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  const sales = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(sales, ['KEPT']);
  const contract = plainContract('KEPT', { minimumCommitment: { currencyCode: 'EUR', amount: '50.00' } });
  await sales.upsertContract({ requestId: 'contract-kept', contract });
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

let n = 0;
function call(startUtc: string): Cdr {
  n += 1;
  return answeredCall({
    bridgeId: 'part-bridge',
    recordId: `kept-${n}`,
    customerAccount: 'KEPT',
    calledNumber: '+46812345678',
    start: startUtc,
    seconds: 6000,
  });
}

/** Edits the SE fixed peak rate of standard-2026 on disk and reloads the rules. */
async function setPeakRate(rate: string) {
  const file = path.join(rulesDir, 'standard-2026', 'rates.json');
  const rates = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    rateCards: Record<string, { rates: { peak: { rate: string }[] } }>;
  };
  rates.rateCards['do_SE']!.rates.peak[0]!.rate = rate;
  fs.writeFileSync(file, JSON.stringify(rates, null, 2));
  expect(await t.service.rating.reload()).toBe(true);
}

const net = (invoices: Invoice[]) =>
  invoices.reduce((sum, i) => sum.plus(i.netTotal!.amount), new Decimal(0)).toFixed(2);

describe('retention of a month holding the first hours of a kept period', () => {
  it('keeps the month while the period is kept, so a rerate corrects the invoice from all its calls', async () => {
    const results = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'kept-calls',
      cdrs: [
        // Thu 1 Oct 00:10-00:14 Stockholm, off-peak: 5 x 100 min at 0.04 = 20.00, in the September partition
        ...[0, 1, 2, 3, 4].map((i) => call(`2026-09-30T22:1${i}:00Z`)),
        // Tue 6 Oct 11:00 Stockholm, peak: 6 x 100 min at 0.06 = 36.00
        ...[0, 1, 2, 3, 4, 5].map((i) => call(`2026-10-06T09:0${i}:00Z`)),
      ],
    });
    expect(results.results.map((r) => r.outcome)).toEqual(Array(11).fill(CdrOutcome.CDR_OUTCOME_ACCEPTED));
    const closed = await t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
      requestId: 'kept-close-october',
      customerAccount: 'KEPT',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: true,
    });
    const october = closed.invoices[0]!;
    expect(october.netTotal!.amount).toBe('56.00');

    const retention = new MonthRetention(t.service.database);
    const invoices = new PostgresInvoiceStore(t.service.database);
    expect(await retention.retire('2026-10', { drop: false })).toEqual([
      {
        month: '2026-09',
        outcome: 'kept',
        reason: 'charges of a period that ends 2026-10-31T23:00:00.000Z, after 2026-10 begins (UTC)',
      },
    ]);
    expect((await invoices.invoiceCalls(october.id, 100)).totalCalls).toBe(11);

    // Peak 0.06 -> 0.05: 6 x 100 min = 30.00, plus 20.00 off-peak = 50.00, the commitment met.
    await setPeakRate('0.05');
    const rerated = await t.client(InvoiceServiceDefinition, 'finance').rerateCharges({
      requestId: 'kept-rerate',
      customerAccount: 'KEPT',
      period: OCTOBER,
      ruleSetHash: '',
      reason: '',
    });
    expect(rerated.reratedCount).toBe(11);
    expect(rerated.changedCount).toBe(6);
    // 56.00 billed, 50.00 owed: the credit note and the supplementary invoice come to -6.00 (a
    // credit note's totals are negative), with no minimum commitment top-up.
    expect(net(rerated.corrections)).toBe('-6.00');
    expect(rerated.corrections.flatMap((c) => c.lines.map((l) => l.description))).not.toContainEqual(
      expect.stringMatching(/Minimum commitment/),
    );

    // A call of 1 November 00:30 Stockholm lies in October's partition, not yet invoiced, so
    // October stays; September shares October's period with it, so it stays too: archiving it
    // alone would split that period again, past the cutoff as both months are.
    await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'kept-november-call', cdrs: [call('2026-10-31T23:30:00Z')] });
    expect(await retention.retire('2026-11', { drop: false })).toEqual([
      { month: '2026-09', outcome: 'kept', reason: 'it shares a billed period with 2026-10, which is kept' },
      { month: '2026-10', outcome: 'kept', reason: '1 charges not on an issued invoice' },
    ]);
    expect((await invoices.invoiceCalls(october.id, 100)).totalCalls).toBe(11);

    // Once November is over and invoiced, and the cutoff is past its end, both months go.
    clock.set('2026-12-02T12:00:00Z');
    await t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
      requestId: 'kept-close-november',
      customerAccount: 'KEPT',
      periodContaining: new Date('2026-11-15T12:00:00Z'),
      issue: true,
    });
    const outcomes = await retention.retire('2026-12', { drop: false });
    expect(outcomes.filter((o) => o.month < '2026-11')).toEqual([
      { month: '2026-09', outcome: 'archived', reason: '' },
      { month: '2026-10', outcome: 'archived', reason: '' },
    ]);
  });
});
