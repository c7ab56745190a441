/**
 * RerateCharges over a real socket, with real rule files edited on disk and reloaded live: an
 * issued invoice is corrected by a credit note and a supplementary invoice with hand-computed
 * amounts and is itself never changed; a second rerate (back to the archived rule set) counts the
 * corrections already issued; drafts are rebuilt; running charges follow; unrated CDRs get priced;
 * retries answer the same; a rerate the rules cannot price changes nothing.
 *
 * Prices (rules/standard-2026, peak Mon-Fri 08-18 Stockholm time): dial-out SE 0.06/min per second,
 * SE mobile 0.12/min (first minute in full). The edited rules: SE 0.05, SE mobile 0.14.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import {
  InvoiceKind,
  InvoiceServiceDefinition,
  InvoiceStatus,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { FixedClock } from '../../src/app/clock';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';

// The service's "now": invoices issued in this test are numbered in 2026, whatever day the suite runs on.
const NOW = new Date('2026-11-28T12:00:00Z');
import { knexOf, rowsOf } from './support';
import { answeredCall } from '../support/answered-call';

let t: TestService;
let rulesDir: string;
const OCTOBER = { startTime: new Date('2026-09-30T22:00:00Z'), endTime: new Date('2026-10-31T23:00:00Z') };
const OCT_NOV = { startTime: OCTOBER.startTime, endTime: new Date('2026-11-30T23:00:00Z') };

beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rerate-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({
    clock: new FixedClock(NOW),
    rulesDir,
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['RERATE', 'DRAFTY', 'GOODWILL']);
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

let n = 0;
function leg(account: string, calledNumber: string, startUtc: string, seconds: number): Cdr {
  n += 1;
  return answeredCall({
    bridgeId: 'rerate-bridge',
    recordId: `r-${n}`,
    conferenceId: `conf-${n}`,
    customerAccount: account,
    calledNumber,
    start: startUtc,
    seconds,
  });
}

async function submit(cdrs: Cdr[]) {
  const response = await t
    .client(CdrIngestServiceDefinition, 'bridge')
    .submitCdrs({ requestId: `submit-${cdrs[0]!.recordId}`, cdrs });
  return response.results;
}

/** Edits a peak rate of a rate card of standard-2026 on disk and reloads the rules. */
async function setPeakRate(card: string, rate: string) {
  const file = path.join(rulesDir, 'standard-2026', 'rates.json');
  const rates = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    rateCards: Record<string, { rates: { peak: { rate: string }[] } }>;
  };
  rates.rateCards[card]!.rates.peak[0]!.rate = rate;
  fs.writeFileSync(file, JSON.stringify(rates, null, 2));
  expect(await t.service.rating.reload()).toBe(true);
}

async function activeHash(): Promise<string> {
  const active = await t.client(RatingServiceDefinition, 'finance').getActiveRuleSet({});
  return active.ruleSet!.ref!.contentHash;
}

const amounts = (i: Invoice) => [i.netTotal!.amount, i.vatTotal!.amount, i.grossTotal!.amount];
const lineView = (i: Invoice) =>
  i.lines.map((l) => [l.description, l.quantity, l.unit, l.unitPrice!.amount, l.netAmount!.amount]);

async function currentChargeSum(account: string): Promise<string> {
  const rows = await rowsOf<{ s: string; n: number }>(
    knexOf(t.service.database).raw(
      `select coalesce(sum(amount), 0)::text as s, count(*)::int as n from charges where customer_account = ? and superseded_at is null`,
      [account],
    ),
  );
  return `${rows[0]!.n} charges, ${rows[0]!.s}`;
}

describe('RerateCharges', () => {
  let original: Invoice;
  let originalHash: string;
  const finance = () => t.client(InvoiceServiceDefinition, 'finance');
  const billing = () => t.client(InvoiceServiceDefinition, 'billing');

  it('corrects an issued invoice with a credit note and a supplementary invoice, never touching it', async () => {
    originalHash = await activeHash();
    const results = await submit([
      // October, Tue 6 Oct 11:00 local (peak): 3 x 600 s to SE fixed at 0.06 = 0.60 each = 1.80
      ...[0, 1, 2].map((i) => leg('RERATE', '+46812345678', `2026-10-06T09:${i}0:00Z`, 600)),
      // 2 x 90 s to SE mobiles at 0.12 = 0.18 each = 0.36
      ...[0, 1].map((i) => leg('RERATE', '+46701234567', `2026-10-06T10:${i}0:00Z`, 90)),
      // November (open period), Tue 3 Nov 11:00 local: 2 x 600 s to SE fixed = 1.20
      ...[0, 1].map((i) => leg('RERATE', '+46812345678', `2026-11-03T10:${i}0:00Z`, 600)),
    ]);
    expect(
      results.every(
        (r) =>
          r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED &&
          r.ratingStatus === RatingStatus.RATING_STATUS_RATED,
      ),
    ).toBe(true);

    const closed = await billing().closeBillingPeriod({
      requestId: 'close-oct',
      customerAccount: 'RERATE',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: true,
    });
    original = closed.invoices[0]!;
    // 1.80 + 0.36 = 2.16; VAT 25 % = 0.54; 2.70
    expect(amounts(original)).toEqual(['2.16', '0.54', '2.70']);

    await setPeakRate('do_SE', '0.05');
    await setPeakRate('do_SE_MOBILE', '0.14');
    const r = await finance().rerateCharges({
      requestId: 'rerate-1',
      customerAccount: 'RERATE',
      period: OCT_NOV,
      ruleSetHash: '',
      reason: '',
    });

    expect([r.reratedCount, r.changedCount, r.newlyRatedCount, r.invoicedChangedCount]).toEqual([7, 7, 0, 5]);
    // Before: 1.80 + 0.36 + 1.20 = 3.36. After: 3 x 0.50 + 2 x 0.21 + 2 x 0.50 = 2.92.
    expect(r.oldTotals.map((m) => [m.currencyCode, m.amount])).toEqual([['EUR', '3.36']]);
    expect(r.newTotals.map((m) => [m.currencyCode, m.amount])).toEqual([['EUR', '2.92']]);
    expect(r.rebuiltInvoiceIds).toEqual([]);

    const [credit, supplement] = r.corrections;
    expect(credit!.kind).toBe(InvoiceKind.INVOICE_KIND_CREDIT_NOTE);
    expect(credit!.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(credit!.number).toMatch(/^CN-2026-\d{6}$/);
    expect(credit!.creditedInvoiceNumber).toBe(original.number);
    expect(credit!.creditReason).toMatch(/^Re-rated with rule set standard-2026 2026\.1$/);
    // A new price is another line: the lines at the old prices are credited whole (SE fixed 1800 s at
    // 0.06 per minute = 1.80, SE mobile 180 s at 0.12 = 0.36), the lines at the new ones invoiced.
    // -2.16; VAT -0.54.
    expect(lineView(credit!)).toEqual([
      ['Rerated: Dial-out, Sweden, fixed lines', '-1800', 's', '0.06', '-1.80'],
      ['Rerated: Dial-out, Sweden, mobile networks', '-180', 's', '0.12', '-0.36'],
    ]);
    expect(credit!.lines.map((l) => l.creditedLineNumber)).toEqual([1, 2]);
    expect(amounts(credit!)).toEqual(['-2.16', '-0.54', '-2.70']);

    expect(supplement!.kind).toBe(InvoiceKind.INVOICE_KIND_INVOICE);
    expect(supplement!.number).toMatch(/^INV-2026-\d{6}$/);
    expect(supplement!.supplementedInvoiceNumber).toBe(original.number);
    // 1800 s x 0.05 / 60 = 1.50; 180 s x 0.14 / 60 = 0.42; 1.92, VAT 0.48. With the credit: 2.16 -> 1.92.
    expect(lineView(supplement!)).toEqual([
      ['Rerated: Dial-out, Sweden, fixed lines', '1800', 's', '0.05', '1.50'],
      ['Rerated: Dial-out, Sweden, mobile networks', '180', 's', '0.14', '0.42'],
    ]);
    expect(amounts(supplement!)).toEqual(['1.92', '0.48', '2.40']);
    expect([supplement!.periodStart, supplement!.periodEnd]).toEqual([
      original.periodStart,
      original.periodEnd,
    ]);

    const after = (await billing().getInvoice({ invoiceId: original.id })).invoice!;
    expect({ ...after, creditNoteNumbers: [], supplementaryInvoiceNumbers: [] }).toEqual(original);
    expect(after.creditNoteNumbers).toEqual([credit!.number]);
    expect(after.supplementaryInvoiceNumbers).toEqual([supplement!.number]);

    // The documents a customer receives (test-output/, looked at as PNG): both name the invoice they correct.
    const out = path.join(REPO_ROOT, 'test-output');
    fs.mkdirSync(out, { recursive: true });
    for (const doc of [credit!, supplement!]) {
      const pdf = await billing().renderInvoiceDocument({ invoiceId: doc.id, format: 0 });
      fs.writeFileSync(path.join(out, `rerate-${pdf.fileName}`), pdf.content);
    }

    // November's running charges follow the new prices: 2 x 0.50.
    const running = await billing().getRunningCharges({
      customerAccount: 'RERATE',
      asOf: new Date('2026-11-20T12:00:00Z'),
    });
    expect(running.totals.map((m) => m.amount)).toEqual(['1']);
    expect(await currentChargeSum('RERATE')).toBe('7 charges, 2.92');
  });

  it('answers a retry with the same request id the same, and a second rerate with the same rules changes nothing', async () => {
    const again = await finance().rerateCharges({
      requestId: 'rerate-1',
      customerAccount: 'RERATE',
      period: OCT_NOV,
      ruleSetHash: '',
      reason: '',
    });
    expect(again.corrections.map((c) => c.number)).toHaveLength(2);
    expect(again.changedCount).toBe(7);
    const fresh = await finance().rerateCharges({
      requestId: 'rerate-2',
      customerAccount: 'RERATE',
      period: OCT_NOV,
      ruleSetHash: '',
      reason: '',
    });
    expect([fresh.reratedCount, fresh.changedCount, fresh.corrections.length]).toEqual([7, 0, 0]);
    const credits = await billing().listInvoices({
      customerAccount: 'RERATE',
      kind: InvoiceKind.INVOICE_KIND_CREDIT_NOTE,
      pageSize: 50,
      pageToken: '',
      status: 0,
    });
    expect(credits.invoices).toHaveLength(1);
  });

  it('rerating back to the archived rule set counts the corrections already issued', async () => {
    const r = await finance().rerateCharges({
      requestId: 'rerate-back',
      customerAccount: 'RERATE',
      period: OCTOBER,
      ruleSetHash: originalHash,
      reason: 'Price change withdrawn',
    });
    expect([r.reratedCount, r.changedCount, r.invoicedChangedCount]).toEqual([5, 5, 5]);
    const [credit, supplement] = r.corrections;
    // The lines at 0.05 and 0.14 (billed by the supplement) are credited whole; those at 0.06 and 0.12
    // (credited before) are billed again.
    expect(credit!.creditReason).toBe('Price change withdrawn');
    expect(lineView(credit!)).toEqual([
      ['Rerated: Dial-out, Sweden, fixed lines', '-1800', 's', '0.05', '-1.50'],
      ['Rerated: Dial-out, Sweden, mobile networks', '-180', 's', '0.14', '-0.42'],
    ]);
    expect(lineView(supplement!)).toEqual([
      ['Rerated: Dial-out, Sweden, fixed lines', '1800', 's', '0.06', '1.80'],
      ['Rerated: Dial-out, Sweden, mobile networks', '180', 's', '0.12', '0.36'],
    ]);
    // Net over all five documents: 2.16 - 2.16 + 1.92 - 1.92 + 2.16 = 2.16, the original again.
    const all = await billing().listInvoices({
      customerAccount: 'RERATE',
      pageSize: 50,
      pageToken: '',
      status: 0,
      kind: 0,
    });
    const october = all.invoices.filter((i) => i.periodStart!.getTime() === original.periodStart!.getTime());
    expect(october).toHaveLength(5);
    expect(october.reduce((s, i) => s + Math.round(Number(i.netTotal!.amount) * 100), 0)).toBe(216);
    // November was not in the range: still at the edited price.
    expect(await currentChargeSum('RERATE')).toBe('7 charges, 3.16');
  });

  it('rebuilds a draft in place and prices CDRs that were unrated', async () => {
    // The SE mobile rate is 0.14 live. A CDR for an account that does not exist yet is unrated.
    const unrated = await submit([leg('LATECOMER', '+46701234567', '2026-10-07T09:00:00Z', 90)]);
    expect(unrated[0]!.ratingStatus).toBe(RatingStatus.RATING_STATUS_UNRATED);
    await submit([leg('DRAFTY', '+46812345678', '2026-10-07T09:00:00Z', 600)]);
    const draft = (
      await billing().closeBillingPeriod({
        requestId: 'close-drafty',
        customerAccount: 'DRAFTY',
        periodContaining: new Date('2026-10-15T12:00:00Z'),
        issue: false,
      })
    ).invoices[0]!;
    expect(amounts(draft)).toEqual(['0.50', '0.13', '0.63']);

    await setPeakRate('do_SE', '0.07');
    const r = await finance().rerateCharges({
      requestId: 'rerate-drafty',
      customerAccount: 'DRAFTY',
      period: OCTOBER,
      ruleSetHash: '',
      reason: '',
    });
    expect(r.rebuiltInvoiceIds).toEqual([draft.id]);
    expect(r.corrections).toEqual([]);
    const rebuilt = (await billing().getInvoice({ invoiceId: draft.id })).invoice!;
    // 10 min x 0.07 = 0.70; VAT 0.175 -> 0.18
    expect(amounts(rebuilt)).toEqual(['0.70', '0.18', '0.88']);
    expect(rebuilt.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);
    expect(rebuilt.createdAt).toEqual(draft.createdAt);

    await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['LATECOMER']);
    const late = await finance().rerateCharges({
      requestId: 'rerate-late',
      customerAccount: 'LATECOMER',
      period: OCTOBER,
      ruleSetHash: '',
      reason: '',
    });
    expect([late.reratedCount, late.newlyRatedCount]).toEqual([0, 1]);
    // 90 s at 0.14 = 0.21
    expect(late.newTotals.map((m) => m.amount)).toEqual(['0.21']);
    expect(await currentChargeSum('LATECOMER')).toBe('1 charges, 0.21');
  });

  it('changes nothing when the rules cannot price a charged call', async () => {
    const before = await currentChargeSum('RERATE');
    const file = path.join(rulesDir, 'standard-2026', 'ruleset.json');
    const ruleset = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      rules: { name: string; event: unknown }[];
    };
    const saved = JSON.stringify(ruleset, null, 2);
    // SE mobiles are no longer priced: their calls would be rejected.
    ruleset.rules.find((rule) => rule.name === 'dial-out SE_MOBILE')!.event = {
      type: 'reject',
      params: { reason: 'SE mobiles withdrawn' },
    };
    fs.writeFileSync(file, JSON.stringify(ruleset, null, 2));
    expect(await t.service.rating.reload()).toBe(true);
    try {
      const error = await expectStatus(
        finance().rerateCharges({
          requestId: 'rerate-broken',
          customerAccount: 'RERATE',
          period: OCTOBER,
          ruleSetHash: '',
          reason: '',
        }),
        Status.FAILED_PRECONDITION,
      );
      expect(error.details).toMatch(
        /^2 call\(s\) with a charge cannot be priced by the chosen rules, so nothing was re-rated; first: rerate-bridge\/r-4: .*SE mobiles withdrawn/,
      );
      expect(await currentChargeSum('RERATE')).toBe(before);
    } finally {
      fs.writeFileSync(file, saved);
      await t.service.rating.reload();
    }
  });

  it('leaves a manual credit note alone, and can undo an increase larger than the invoice', async () => {
    await setPeakRate('do_SE', '0.06');
    await setPeakRate('do_SE_MOBILE', '0.12');
    const before = await activeHash();
    // Thu 8 Oct 11:00 local: 600 s to SE fixed = 0.60; 90 s to an SE mobile = 0.18.
    await submit([
      leg('GOODWILL', '+46812345678', '2026-10-08T09:00:00Z', 600),
      leg('GOODWILL', '+46701234567', '2026-10-08T09:20:00Z', 90),
    ]);
    const invoice = (
      await billing().closeBillingPeriod({
        requestId: 'close-goodwill',
        customerAccount: 'GOODWILL',
        periodContaining: new Date('2026-10-15T12:00:00Z'),
        issue: true,
      })
    ).invoices[0]!;
    expect(amounts(invoice)).toEqual(['0.78', '0.20', '0.98']);
    await billing().createCreditNote({
      requestId: 'goodwill',
      invoiceId: invoice.id,
      reason: 'Goodwill: bad line quality',
      lines: [{ lineNumber: 1, quantity: '' }],
      issue: true,
    });

    // SE mobiles up tenfold (1.20/min): 90 s = 1.80. Only that line is corrected (the line at 0.12
    // credited, one at 1.20 invoiced); the goodwill credit of line 1 stays.
    await setPeakRate('do_SE_MOBILE', '1.20');
    const up = await finance().rerateCharges({
      requestId: 'goodwill-up',
      customerAccount: 'GOODWILL',
      period: OCTOBER,
      ruleSetHash: '',
      reason: '',
    });
    expect(up.corrections.map(lineView)).toEqual([
      [['Rerated: Dial-out, Sweden, mobile networks', '-90', 's', '0.12', '-0.18']],
      [['Rerated: Dial-out, Sweden, mobile networks', '90', 's', '1.2', '1.80']],
    ]);

    // Back to the rules before: a credit of 1.80, more than the invoice's own 0.78 but not more than was
    // billed for it (0.78 - 0.60 goodwill - 0.18 + 1.80 = 1.80); the line at 0.12 is billed again.
    const back = await finance().rerateCharges({
      requestId: 'goodwill-back',
      customerAccount: 'GOODWILL',
      period: OCTOBER,
      ruleSetHash: before,
      reason: 'Rate error',
    });
    expect(back.corrections.map(lineView)).toEqual([
      [['Rerated: Dial-out, Sweden, mobile networks', '-90', 's', '1.2', '-1.80']],
      [['Rerated: Dial-out, Sweden, mobile networks', '90', 's', '0.12', '0.18']],
    ]);
    expect(back.corrections[0]!.kind).toBe(InvoiceKind.INVOICE_KIND_CREDIT_NOTE);
  });

  it('refuses bad requests precisely, and roles other than finance and billing', async () => {
    const bad = async (request: object, field: string) => {
      const error = await expectStatus(
        finance().rerateCharges({
          requestId: 'bad',
          customerAccount: 'RERATE',
          period: OCTOBER,
          ruleSetHash: '',
          reason: '',
          ...request,
        }),
        Status.INVALID_ARGUMENT,
      );
      expect(error.details).toContain(field);
    };
    await bad({ customerAccount: '' }, 'customer_account');
    await bad({ period: undefined }, 'period.start_time');
    await bad(
      { period: { startTime: OCTOBER.endTime, endTime: OCTOBER.startTime } },
      'period: start_time must be before end_time',
    );
    await bad({ ruleSetHash: 'abc' }, 'rule_set_hash');
    await bad(
      { ruleSetHash: 'a'.repeat(64) },
      'rule_set_hash: no rule set with this content hash has ever been live',
    );
    await bad({ requestId: '' }, 'request_id');
    await expectStatus(
      finance().rerateCharges({
        requestId: 'nobody',
        customerAccount: 'NOBODY',
        period: OCTOBER,
        ruleSetHash: '',
        reason: '',
      }),
      Status.NOT_FOUND,
    );
    await expectStatus(
      t
        .client(InvoiceServiceDefinition, 'sales')
        .rerateCharges({ requestId: 'x', customerAccount: 'RERATE', period: OCTOBER }),
      Status.PERMISSION_DENIED,
    );
  });
});
