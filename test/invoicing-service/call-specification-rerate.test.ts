/**
 * An issued invoice's call specification lists the calls and amounts that invoice billed, however
 * often its period is re-rated later: its PDF and e-invoice come out byte for byte the same (the
 * outbox renders at delivery, perhaps hours after a rerate), while the correction carries the
 * difference. A draft rebuilt by a rerate and issued afterwards lists the prices it was issued with.
 *
 * Prices (rules/standard-2026, peak Mon-Fri 08-18 Stockholm time): dial-out SE 0.06/min per second;
 * the edited rules 0.07, 0.08, then 0.05.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import type { Cdr } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import {
  DocumentFormat,
  InvoiceKind,
  InvoiceServiceDefinition,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { pdfTexts } from '../einvoice/support';
import { answeredCall } from '../support/answered-call';
import { createCustomers } from '../support/customers';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { knexOf } from './support';

// The service's "now": invoices issued here are numbered in 2026, whatever day the suite runs on.
const NOW = new Date('2026-11-28T12:00:00Z');
const OCTOBER = { startTime: new Date('2026-09-30T22:00:00Z'), endTime: new Date('2026-10-31T23:00:00Z') };

let t: TestService;
let rulesDir: string;

beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'call-spec-rerate-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({
    clock: new FixedClock(NOW),
    rulesDir,
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['SPEC', 'SPECDRAFT']);
  await knexOf(t.service.database).raw(
    `update customers set call_specification = true, electronic_address_scheme = '0007', electronic_address_id = '5560000001'
     where external_id in ('SPEC', 'SPECDRAFT')`,
  );
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

let n = 0;
/** Three 600 s peak calls to a Swedish fixed number on Tue 6 Oct 2026, 11:00 local. */
function calls(account: string): Cdr[] {
  return [0, 1, 2].map((i) => {
    n += 1;
    return answeredCall({
      bridgeId: 'rerate-bridge',
      recordId: `cs-${n}`,
      conferenceId: `cs-conf-${n}`,
      customerAccount: account,
      calledNumber: '+46812345678',
      start: `2026-10-06T09:${i}0:00Z`,
      seconds: 600,
    });
  });
}

async function setPeakRate(card: string, rate: string) {
  const file = path.join(rulesDir, 'standard-2026', 'rates.json');
  const rates = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    rateCards: Record<string, { rates: { peak: { rate: string }[] } }>;
  };
  rates.rateCards[card]!.rates.peak[0]!.rate = rate;
  fs.writeFileSync(file, JSON.stringify(rates, null, 2));
  expect(await t.service.rating.reload()).toBe(true);
}

const billing = () => t.client(InvoiceServiceDefinition, 'billing');
const finance = () => t.client(InvoiceServiceDefinition, 'finance');

async function render(invoice: Invoice) {
  const [pdf, ubl] = await Promise.all(
    [DocumentFormat.DOCUMENT_FORMAT_PDF, DocumentFormat.DOCUMENT_FORMAT_UBL].map(async (format) =>
      Buffer.from((await billing().renderInvoiceDocument({ invoiceId: invoice.id, format })).content),
    ),
  );
  return { pdf: pdf!, ubl: ubl! };
}

/** The appendix as printed: its heading, the count, the column titles, then five cells per call. */
function callSpecification(pdf: Buffer): string[] {
  const texts = pdfTexts(pdf).map((x) => x.text);
  const start = texts.findIndex((s) => s.startsWith('Call specification'));
  expect(start).toBeGreaterThan(0);
  return texts.slice(start);
}
/** The amount column of the appendix. */
const amountsOf = (spec: string[]) => spec.filter((s) => /^\d+\.\d\d$/.test(s));

function rerate(requestId: string, customerAccount: string) {
  return finance().rerateCharges({
    requestId,
    customerAccount,
    period: OCTOBER,
    ruleSetHash: '',
    reason: '',
  });
}

describe('the call specification of a re-rated invoice', () => {
  it('an issued invoice renders the same bytes after a rerate; the supplementary invoice bills the new price', async () => {
    await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'cs-submit', cdrs: [...calls('SPEC'), ...calls('SPECDRAFT')] });
    const closed = await billing().closeBillingPeriod({
      requestId: 'cs-close-spec',
      customerAccount: 'SPEC',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: true,
    });
    const invoice = closed.invoices[0]!;
    expect(invoice.netTotal!.amount).toBe('1.80');
    const before = await render(invoice);
    expect(amountsOf(callSpecification(before.pdf))).toEqual(['0.60', '0.60', '0.60']);

    await setPeakRate('do_SE', '0.07');
    const r = await rerate('cs-rerate-spec', 'SPEC');
    expect(r.corrections.map((c) => [c.kind, c.netTotal!.amount])).toEqual([
      [InvoiceKind.INVOICE_KIND_CREDIT_NOTE, '-1.80'],
      [InvoiceKind.INVOICE_KIND_INVOICE, '2.10'],
    ]);

    const after = await render(invoice);
    expect(callSpecification(after.pdf)).toEqual(callSpecification(before.pdf));
    expect(after.pdf.equals(before.pdf)).toBe(true);
    expect(after.ubl.equals(before.ubl)).toBe(true);
    // The invoice's lines still add up to its appendix; the credit note takes them back and the
    // supplementary invoice bills the 1800 s again at the new price (per minute).
    const supplement = r.corrections[1]!;
    expect(supplement.lines.map((l) => [l.quantity, l.unitPrice!.amount, l.netAmount!.amount])).toEqual([
      ['1800', '0.07', '2.10'],
    ]);
  });

  it('a draft re-rated before it is issued lists the prices it was issued with, and keeps them', async () => {
    const closed = await billing().closeBillingPeriod({
      requestId: 'cs-close-draft',
      customerAccount: 'SPECDRAFT',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: false,
    });
    const draft = closed.invoices[0]!;
    await setPeakRate('do_SE', '0.08');
    expect((await rerate('cs-rerate-draft-1', 'SPECDRAFT')).rebuiltInvoiceIds).toEqual([draft.id]);
    const { invoice } = await billing().issueInvoice({
      requestId: 'cs-issue-draft',
      invoiceId: draft.id,
      issueDate: '2026-11-28',
    });
    expect(invoice!.netTotal!.amount).toBe('2.40');
    const before = await render(invoice!);
    expect(amountsOf(callSpecification(before.pdf))).toEqual(['0.80', '0.80', '0.80']);

    await setPeakRate('do_SE', '0.05');
    const r = await rerate('cs-rerate-draft-2', 'SPECDRAFT');
    expect(r.corrections.map((c) => [c.kind, c.netTotal!.amount])).toEqual([
      [InvoiceKind.INVOICE_KIND_CREDIT_NOTE, '-2.40'],
      [InvoiceKind.INVOICE_KIND_INVOICE, '1.50'],
    ]);
    const after = await render(invoice!);
    expect(after.pdf.equals(before.pdf)).toBe(true);
    expect(after.ubl.equals(before.ubl)).toBe(true);
  });
});
