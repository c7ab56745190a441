/**
 * A rerate never credits what a credit note of a supplementary invoice already took back: the net
 * billed for an invoice counts its supplementary invoices and the credit notes of each of them.
 *
 * Prices (rules/standard-2026, peak): dial-out SE fixed 0.06/min per second; edited to 0.10, then 0.05.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition, type Invoice } from '../../src/gen/billing/v1/invoice_service';
import { answeredCall } from '../support/answered-call';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { writePeakRate } from '../support/rate-edits';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';

const NOW = new Date('2026-11-28T12:00:00Z');
const OCTOBER = { startTime: new Date('2026-09-30T22:00:00Z'), endTime: new Date('2026-10-31T23:00:00Z') };

let t: TestService;
let rulesDir: string;
const billing = () => t.client(InvoiceServiceDefinition, 'billing');
const finance = () => t.client(InvoiceServiceDefinition, 'finance');

async function setSeFixedPeakRate(rate: string): Promise<void> {
  writePeakRate(rulesDir, 'do_SE', rate);
  expect(await t.service.rating.reload()).toBe(true);
}

const rerate = (requestId: string) =>
  finance().rerateCharges({
    requestId,
    customerAccount: 'SUPP',
    period: OCTOBER,
    ruleSetHash: '',
    reason: '',
  });
const nets = (i: Invoice) => i.lines.map((l) => l.netAmount!.amount);

beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credited-supplement-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({
    clock: new FixedClock(NOW),
    rulesDir,
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['SUPP']);
  // Tue 6 Oct 2026, peak: 3 x 600 s to SE fixed at 0.06/min = 1.80.
  await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
    requestId: 'submit-supp',
    cdrs: [0, 1, 2].map((i) =>
      answeredCall({
        bridgeId: 'rerate-bridge',
        recordId: `supp-${i}`,
        customerAccount: 'SUPP',
        calledNumber: '+46812345678',
        start: `2026-10-06T07:${i}0:00Z`,
        seconds: 600,
      }),
    ),
  });
}, 120_000);

afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

describe('a rerate after a credit note of a supplementary invoice', () => {
  it('counts that credit note: it refuses to credit the same amount again', async () => {
    const closed = await billing().closeBillingPeriod({
      requestId: 'close-supp',
      customerAccount: 'SUPP',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: true,
    });
    const invoice = closed.invoices[0]!;
    expect(nets(invoice)).toEqual(['1.80']);

    // Up to 0.10: the line is credited (-1.80) and invoiced again (3.00) on a supplementary invoice.
    await setSeFixedPeakRate('0.10');
    const up = await rerate('rerate-up');
    expect(up.corrections.map(nets)).toEqual([['-1.80'], ['3.00']]);
    const supplementary = up.corrections[1]!;

    // Billing takes the supplementary invoice back whole: 0.00 is billed for October now.
    await billing().createCreditNote({
      requestId: 'credit-supplementary',
      invoiceId: supplementary.id,
      reason: 'Price increase withdrawn',
      lines: [],
      issue: true,
    });

    // Down to 0.05: crediting the 3.00 again would leave the customer owed for calls worth 1.50.
    await setSeFixedPeakRate('0.05');
    const refused = await expectStatus(rerate('rerate-down'), Status.FAILED_PRECONDITION);
    expect(refused.details).toContain(`exceeds the net 0.00 billed for invoice ${invoice.number}`);
  });
});
