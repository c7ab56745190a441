/**
 * A draft credit note and a rerate never credit the same invoice line twice: a rerate counts a draft
 * credit note as a reduction already made (refused when it would credit more than that leaves), and
 * issuing the draft later checks again, under the invoice's lock, what is still uncredited of each
 * of its lines, refusing (nothing numbered) when a rerate credited the line meanwhile.
 *
 * Prices (rules/standard-2026, peak): dial-out SE fixed 0.06/min per second, SE mobile 0.12/min;
 * the edited rules: SE fixed 0.05.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import type { Cdr } from '../../src/gen/billing/v1/cdr';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import {
  InvoiceServiceDefinition,
  InvoiceStatus,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { answeredCall } from '../support/answered-call';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { writePeakRate } from '../support/rate-edits';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { knexOf, rowsOf } from './support';

const NOW = new Date('2026-11-28T12:00:00Z');
const OCTOBER = { startTime: new Date('2026-09-30T22:00:00Z'), endTime: new Date('2026-10-31T23:00:00Z') };

let t: TestService;
let rulesDir: string;
const billing = () => t.client(InvoiceServiceDefinition, 'billing');
const finance = () => t.client(InvoiceServiceDefinition, 'finance');

let n = 0;
function leg(account: string, calledNumber: string, startUtc: string, seconds: number): Cdr {
  n += 1;
  return answeredCall({
    bridgeId: 'rerate-bridge',
    recordId: `dcn-${n}`,
    customerAccount: account,
    calledNumber,
    start: startUtc,
    seconds,
  });
}

/** Tue 6 Oct 2026, peak: 3 x 600 s to SE fixed = 1.80 (line 1); 10 x 3600 s to SE mobiles = 72.00 (line 2). */
async function closeOctober(account: string): Promise<Invoice> {
  await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
    requestId: `submit-${account}`,
    cdrs: [
      ...[0, 1, 2].map((i) => leg(account, '+46812345678', `2026-10-06T07:${i}0:00Z`, 600)),
      ...[8, 9, 10, 11, 12, 13, 14, 15, 16, 17].map((h) =>
        leg(account, '+46701234567', `2026-10-07T${String(h - 2).padStart(2, '0')}:00:00Z`, 3600),
      ),
    ],
  });
  const closed = await billing().closeBillingPeriod({
    requestId: `close-${account}`,
    customerAccount: account,
    periodContaining: new Date('2026-10-15T12:00:00Z'),
    issue: true,
  });
  return closed.invoices[0]!;
}

async function numbersTaken(): Promise<number> {
  const rows = await rowsOf<{ n: string }>(
    knexOf(t.service.database).raw(`select coalesce(sum(last_number), 0)::text as n from invoice_counters`),
  );
  return Number(rows[0]!.n);
}

const lineNets = (i: Invoice) => i.lines.map((l) => [l.creditedLineNumber, l.netAmount!.amount]);

let partial: { invoice: Invoice; draft: Invoice };
let full: { invoice: Invoice; draft: Invoice };

beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'draft-cn-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({
    clock: new FixedClock(NOW),
    rulesDir,
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['PARTIAL', 'FULL']);
  for (const [account, lines] of [
    ['PARTIAL', [{ lineNumber: 1 }]],
    ['FULL', []],
  ] as const) {
    const invoice = await closeOctober(account);
    expect(invoice.lines.map((l) => l.netAmount!.amount)).toEqual(['1.80', '72.00']);
    const draft = (
      await billing().createCreditNote({
        requestId: `draft-${account}`,
        invoiceId: invoice.id,
        reason: 'Disputed calls',
        lines: [...lines],
        issue: false,
      })
    ).creditNote!;
    expect(draft.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);
    if (account === 'PARTIAL') partial = { invoice, draft };
    else full = { invoice, draft };
  }
  // SE fixed goes down: a rerate credits line 1 (1.80) and invoices it again at the new price (1.50).
  writePeakRate(rulesDir, 'do_SE', '0.05');
  expect(await t.service.rating.reload()).toBe(true);
}, 120_000);

afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

describe('a draft credit note and a rerate', () => {
  it('refuses to issue a draft crediting a line the rerate credited meanwhile, numbering nothing', async () => {
    const { invoice, draft } = partial;
    expect(lineNets(draft)).toEqual([[1, '-1.80']]);
    // 73.80 billed, 1.80 pending in the draft: the rerate's credit of 1.80 fits what is left.
    const r = await finance().rerateCharges({
      requestId: 'rerate-partial',
      customerAccount: 'PARTIAL',
      period: OCTOBER,
      ruleSetHash: '',
      reason: '',
    });
    expect(r.corrections.map(lineNets)).toEqual([[[1, '-1.80']], [[0, '1.50']]]);
    const before = await numbersTaken();
    const refused = await expectStatus(
      billing().issueInvoice({ requestId: 'issue-partial', invoiceId: draft.id, issueDate: '' }),
      Status.FAILED_PRECONDITION,
    );
    expect(refused.details).toContain(`credit note ${draft.id}`);
    expect(refused.details).toContain(`line 1 of invoice ${invoice.number}`);
    expect((await billing().getInvoice({ invoiceId: draft.id })).invoice!.status).toBe(
      InvoiceStatus.INVOICE_STATUS_DRAFT,
    );
    expect(await numbersTaken()).toBe(before);
  });

  it('refuses a rerate crediting what a draft credit note already takes back; the draft still issues', async () => {
    const { invoice, draft } = full;
    expect(lineNets(draft)).toEqual([
      [1, '-1.80'],
      [2, '-72.00'],
    ]);
    const before = await numbersTaken();
    const refused = await expectStatus(
      finance().rerateCharges({
        requestId: 'rerate-full',
        customerAccount: 'FULL',
        period: OCTOBER,
        ruleSetHash: '',
        reason: '',
      }),
      Status.FAILED_PRECONDITION,
    );
    expect(refused.details).toContain(`exceeds the net 0.00 billed for invoice ${invoice.number}`);
    expect(await numbersTaken()).toBe(before);
    const issued = (
      await billing().issueInvoice({ requestId: 'issue-full', invoiceId: draft.id, issueDate: '' })
    ).invoice!;
    expect(issued.number).toMatch(/^CN-2026-\d{6}$/);
    const after = (await billing().getInvoice({ invoiceId: invoice.id })).invoice!;
    expect(after.creditNoteNumbers).toEqual([issued.number]);
    expect(after.supplementaryInvoiceNumbers).toEqual([]);
  });
});
