/**
 * The billing console in a real browser (Chromium), against the real service with data streamed in
 * over gRPC: the scenarios of issue 15, and screenshots of every page at desktop and phone width in
 * .tmp/screenshots/ (look at them).
 */
import fs from 'node:fs';
import { createClient, Code, ConnectError } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceService } from '../../src/gen/es/billing/v1/invoice_service_pb';
import { AccessType } from '../../src/gen/billing/v1/common';
import { InvoiceServiceDefinition, InvoiceStatus } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import {
  openConsole,
  shoot,
  signIn,
  signInAs,
  startConsoleWorld,
  type ConsoleWorld,
} from './console-fixture';

let world: ConsoleWorld;
beforeAll(async () => {
  world = await startConsoleWorld();
}, 180_000);
afterAll(async () => {
  await world?.stop();
}, 60_000);

/** The amount as the console shows it: sv-SE currency format of the exact decimal string. */
function sek(amount: string): string {
  const decimals = Math.max(2, amount.split('.')[1]?.length ?? 0);
  return new Intl.NumberFormat('sv-SE', {
    style: 'currency',
    currency: 'SEK',
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(amount as Intl.StringNumericLiteral);
}

describe('the billing console in Chromium', { timeout: 240_000 }, () => {
  it('refuses a wrong token and stays on the sign-in page', async () => {
    const { context, page } = await openConsole(world);
    await shoot(page, 'sign-in');
    await signIn(page, 'not-a-token-of-this-service-0123456789');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('token was refused');
    expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(await page.getByTestId('role').count()).toBe(0);
    await shoot(page, 'sign-in-refused');
    await context.close();
  });

  it('billing closes October, issues the invoice, opens it, downloads the PDF and credits it', async () => {
    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'billing');
    await page.getByRole('link', { name: 'Periods', exact: true }).click();
    const close = page.getByRole('form', { name: 'Close a billing period' });
    await close.getByLabel('Month').fill('2026-10');
    await close.getByLabel('Customer account').fill('CONSOLE-A');
    await close.getByRole('button', { name: 'Close period' }).click();
    const draft = close.getByRole('link', { name: 'Draft' });
    await draft.waitFor();
    await shoot(page, 'periods');
    await draft.click();

    await page.getByRole('heading', { name: /Invoice \(draft\)/ }).waitFor();
    await page.getByRole('button', { name: 'Issue invoice' }).click();
    await page.getByTestId('invoice-status').filter({ hasText: 'Issued' }).waitFor();
    const heading = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    const number = /INV-2026-\d{6}/.exec(heading)?.[0];
    expect(number).toBeDefined();

    // What the page shows is what the service holds for that invoice.
    const grpc = await world.t
      .client(InvoiceServiceDefinition, 'billing')
      .getInvoice({ invoiceNumber: number! });
    const invoice = grpc.invoice!;
    expect(invoice.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(await page.getByTestId('gross-total').textContent()).toBe(sek(invoice.grossTotal!.amount));
    expect(await page.getByRole('table', { name: 'Invoice lines' }).locator('tbody tr').count()).toBe(
      invoice.lines.length,
    );
    await shoot(page, 'invoice');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    const pdf = fs.readFileSync(await download.path());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);

    // Correct it: a credit note for the whole invoice, issued at once, referring to it.
    const credit = page.getByRole('form', { name: 'Create a credit note' });
    await credit
      .getByLabel('Reason (printed on the credit note)')
      .fill('Goodwill: bridge outage on 12 October');
    await credit.getByRole('button', { name: 'Create credit note' }).click();
    await page.getByRole('heading', { name: /Credit note CN-2026-\d{6}/ }).waitFor();
    await page.getByRole('link', { name: number! }).waitFor();
    await shoot(page, 'credit-note');

    await page.getByRole('link', { name: 'Invoices', exact: true }).click();
    await page.getByRole('link', { name: number! }).waitFor();
    await shoot(page, 'invoices');
    // Filters: October's issued documents of CONSOLE-A are the invoice and its credit note; no drafts.
    const filters = page.getByRole('form', { name: 'Filter invoices' });
    await filters.getByLabel('Status').selectOption({ label: 'Issued' });
    await filters.getByLabel('Period starting in').fill('2026-10');
    await filters.getByLabel('Customer account').fill('CONSOLE-A');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: /^CN-2026-\d{6}$/ }).waitFor();
    expect(await page.locator('table tbody tr').count()).toBe(2);
    await filters.getByLabel('Status').selectOption({ label: 'Draft' });
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No invoices match.').waitFor();
    await context.close();
  });

  it('finance quotes a call and reads the explanation step by step', async () => {
    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'finance');
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const form = page.getByRole('form', { name: 'Quote a call' });
    await form.getByLabel('Customer account').fill('CONSOLE-A');
    await form.getByLabel('Access type').selectOption({ label: 'Dial out' });
    await form.getByLabel('Called number').fill('+46701234567');
    // Stockholm time (the browser's zone): Tuesday 6 October 2026 10:00 = 08:00Z.
    await form.getByLabel('Start (your time)').fill('2026-10-06T10:00');
    await form.getByLabel('Duration (s)').fill('150');
    await form.getByRole('button', { name: 'Quote' }).click();
    const steps = page.getByRole('table', { name: 'Explanation steps' });
    await steps.waitFor();

    const quote = await world.t.client(RatingServiceDefinition, 'finance').quoteCall({
      customerAccount: 'CONSOLE-A',
      accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
      calledNumber: '+46701234567',
      startTime: new Date('2026-10-06T08:00:00Z'),
      durationSeconds: 150,
      participants: 1,
      features: [],
      ruleSetHash: '',
    });
    expect(quote.explanation!.steps.length).toBeGreaterThan(0);
    expect(await page.getByTestId('quote-price').textContent()).toBe(sek(quote.price!.amount));
    const rows = steps.locator('tbody tr');
    expect(await rows.count()).toBe(quote.explanation!.steps.length);
    for (const [i, step] of quote.explanation!.steps.entries()) {
      expect(await rows.nth(i).textContent()).toContain(step.text);
    }
    await page.getByTestId('active-rule-set').waitFor();
    await page.getByRole('table', { name: 'Rule set history' }).waitFor();
    await shoot(page, 'rules');
    await context.close();
  });

  it("sales explains a stored call's charge: what ExplainCharge answers, contract included", async () => {
    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'sales');
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const form = page.getByRole('form', { name: 'Explain a charge' });
    await form.getByRole('button', { name: 'Explain' }).click();
    // The browser's own check holds the empty form back; the service is asked nothing yet.
    expect(await page.getByRole('status', { name: 'Explained charge' }).count()).toBe(0);
    await form.getByLabel('Bridge id').fill('bridge-1');
    await form.getByLabel('Record id').fill('console-2');
    await form.getByRole('button', { name: 'Explain' }).click();
    const result = page.getByRole('status', { name: 'Explained charge' });
    await result.getByRole('table', { name: 'Explanation steps' }).waitFor();

    const charge = await world.t
      .client(RatingServiceDefinition, 'sales')
      .explainCharge({ cdrKey: { bridgeId: 'bridge-1', recordId: 'console-2' } });
    expect(charge.explanation!.contractExternalId).toBe('K-CONSOLE-A-2026');
    expect(await page.getByTestId('charge-amount').textContent()).toBe(sek(charge.amount!.amount));
    const rows = result.getByRole('table', { name: 'Explanation steps' }).locator('tbody tr');
    expect(await rows.count()).toBe(charge.explanation!.steps.length);
    for (const [i, step] of charge.explanation!.steps.entries()) {
      expect(await rows.nth(i).textContent()).toContain(step.text);
    }
    expect(await result.textContent()).toContain('contract K-CONSOLE-A-2026');

    // A call the service has not stored: its NOT_FOUND, in its words.
    await form.getByLabel('Record id').fill('console-nothing');
    await form.getByRole('button', { name: 'Explain' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toContain('no charge is stored');
    expect(await page.getByRole('status', { name: 'Explained charge' }).count()).toBe(0);
    await shoot(page, 'rules-explain-charge');
    await context.close();
  });

  it('finance backtests the active rule set over October: what BacktestRuleSet answers', async () => {
    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'finance');
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const form = page.getByRole('form', { name: 'Backtest a rule set' });
    await form.getByLabel('From', { exact: true }).fill('2026-10-01');
    await form.getByLabel('To', { exact: true }).fill('2026-10-31');
    await form.getByRole('button', { name: 'Run backtest' }).click();
    const summary = page.getByTestId('backtest-summary');
    await summary.waitFor();
    // Stockholm days (the browser's zone): [1 Oct 00:00+02, 1 Nov 00:00+01).
    const answer = await world.t.client(RatingServiceDefinition, 'finance').backtestRuleSet({
      files: [],
      startTime: new Date('2026-09-30T22:00:00Z'),
      endTime: new Date('2026-10-31T23:00:00Z'),
    });
    expect(answer.comparedCalls).toBeGreaterThan(0);
    expect(answer.changedCalls).toBe(0); // the active set prices its own charges again
    expect(await summary.textContent()).toBe(
      `${answer.comparedCalls} calls compared, ${answer.changedCalls} changed, ${answer.unpriceableCalls} unpriceable`,
    );
    const byCustomer = page.getByRole('table', { name: 'Backtest by customer' });
    expect(await byCustomer.locator('tbody tr').count()).toBe(answer.customers.length + answer.totals.length);
    await shoot(page, 'rules-backtest');
    await context.close();
  });

  it('sales finds a customer and sees the running charges GetRunningCharges returns', async () => {
    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'sales');
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByLabel('Name or account').fill('CONSOLE-A');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'CONSOLE-A' }).click();
    const total = page.getByTestId('running-total');
    await total.waitFor();

    const running = await world.t
      .client(InvoiceServiceDefinition, 'sales')
      .getRunningCharges({ customerAccount: 'CONSOLE-A' });
    expect(running.totals).toHaveLength(1);
    expect(await total.textContent()).toBe(sek(running.totals[0]!.amount));
    const breakdown = page.getByRole('table', { name: 'Running charges by access type and zone' });
    expect(await breakdown.locator('tbody tr').count()).toBe(running.breakdown.length);
    for (const [i, row] of running.breakdown.entries()) {
      expect(await breakdown.locator('tbody tr').nth(i).textContent()).toContain(sek(row.amount!.amount));
    }
    await page.getByRole('table', { name: 'Contracts' }).getByText('K-CONSOLE-A-2026').waitFor();
    await shoot(page, 'customer');
    await context.close();
  });

  it('a sales token cannot issue: no issue action, and the service refuses it', async () => {
    const billing = world.t.client(InvoiceServiceDefinition, 'billing');
    const closed = await billing.closeBillingPeriod({
      requestId: 'console-close-b',
      customerAccount: 'CONSOLE-B',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: false,
    });
    const draft = closed.invoices[0]!;
    expect(draft.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);

    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'sales');
    await page.goto(`${world.baseUrl}/#/invoices/${draft.id}`);
    await page.getByTestId('invoice-status').filter({ hasText: 'Draft' }).waitFor();
    await page.getByRole('button', { name: 'Download PDF' }).waitFor();
    expect(await page.getByRole('button', { name: 'Issue invoice' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Unrated CDRs' }).count()).toBe(0);
    await shoot(page, 'invoice-draft-sales');
    await context.close();

    // The same endpoint the browser uses refuses the call itself.
    const sales = createClient(
      InvoiceService,
      createConnectTransport({
        baseUrl: world.baseUrl,
        httpVersion: '1.1',
        interceptors: [
          (next) => (req) => {
            req.header.set('authorization', `Bearer ${world.t.tokenFor('sales')}`);
            return next(req);
          },
        ],
      }),
    );
    const refusal = await sales
      .issueInvoice({ requestId: 'sales-try', invoiceId: draft.id })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ConnectError);
    expect((refusal as ConnectError).code).toBe(Code.PermissionDenied);
  });

  it("billing downloads October's mailing list as CSV and sees its customers", async () => {
    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'billing');
    await page.getByRole('link', { name: 'Periods', exact: true }).click();
    const form = page.getByRole('form', { name: 'Mailing list' });
    await form.getByLabel('Month of the calls').fill('2026-10');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      form.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('external_id,name,email,address,postal_code,city,country_code');
    expect(download.suggestedFilename()).toBe('mailing-list-2026-10.csv');
    await form
      .getByRole('table', { name: 'Mailing list' })
      .getByRole('cell', { name: 'CONSOLE-A', exact: true })
      .waitFor();
    await shoot(page, 'periods-mailing-list');
    await context.close();
  });

  it('shows every page to admin, at desktop and phone width', async () => {
    const { context, page } = await openConsole(world);
    await signInAs(world, page, 'admin');
    await page.getByRole('link', { name: 'Unrated CDRs' }).click();
    await page
      .getByRole('table', { name: 'Unrated CDRs' })
      .getByRole('cell', { name: 'CONSOLE-NOBODY', exact: true })
      .waitFor();
    await shoot(page, 'unrated');
    // Retrying changes nothing while the customer is unknown, and says so.
    await page.getByRole('checkbox', { name: /^Select bridge-1 / }).check();
    await page.getByRole('button', { name: 'Retry selected (1)' }).click();
    await page.getByText('Retried 1: 0 priced, 1 still unrated.').waitFor();
    await page.getByRole('link', { name: 'Customers', exact: true }).click();
    await page.getByRole('table', { name: 'Customers' }).waitFor();
    await shoot(page, 'customers');
    await page.getByRole('link', { name: 'Periods', exact: true }).click();
    const report = page.getByRole('form', { name: 'Reconciliation report' });
    await report.getByLabel('Month (UTC)').fill('2026-10');
    await report.getByRole('button', { name: 'Show report' }).click();
    await report.getByRole('heading', { name: /^Calls without a booking \(\d+\)$/ }).waitFor();
    await shoot(page, 'periods-report');
    // A field violation from the service, shown next to its field.
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const form = page.getByRole('form', { name: 'Quote a call' });
    await form.getByLabel('Called number').fill('not a number');
    await form.getByLabel('Start (your time)').fill('2026-10-06T10:00');
    await form.getByRole('button', { name: 'Quote' }).click();
    // The violation sits under the called number, which is marked invalid and described by it.
    const called = form.getByLabel('Called number');
    await form.locator('[aria-invalid="true"]').waitFor();
    expect(await called.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await called.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('E.164');
    await shoot(page, 'quote-invalid');
    await context.close();
  });
});
