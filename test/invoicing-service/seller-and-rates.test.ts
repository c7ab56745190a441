/**
 * Issuing real numbers against the real server: refused with the built-in example seller unless in
 * demo mode; with a seller file, an invoice in a foreign currency records its VAT in SEK at the
 * shipped rate of its issue date, and without a rate it is refused and stays a draft. A bad seller
 * file stops `billing serve` before it serves, naming the field.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { closeDuePeriods } from '../../src/app/invoicing/close-due-periods';
import { loadInvoicingConfig } from '../../src/config/invoicing-config';
import { PostgresCloseUnitOfWork } from '../../src/persistence/close-unit-of-work';
import { rateOn } from '../../src/domain/exchange-rates/rate-on';
import { InvoiceServiceDefinition, InvoiceStatus } from '../../src/gen/billing/v1/invoice_service';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { readExchangeRates } from '../../src/rules-files/exchange-rates-file';
import { expectStatus } from '../support/expect-status';
import { serveUntilExit } from '../support/serve-until-exit';
import { VALID_SELLER } from '../support/sellers';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf, uuid } from './support';

const NOW = new Date('2026-11-28T12:00:00Z');
const OCTOBER = new Date('2026-10-15T12:00:00Z');
const ISSUE_DATE = '2026-11-28';

async function seed(t: TestService, customers: { account: string; currency: string }[]) {
  await insertCustomers(t.service.database, customers);
  await insertCharges(
    t.service.database,
    customers.map((c) => ({
      account: c.account,
      start: '2026-10-05T09:00:00Z',
      seconds: 600,
      amount: '40.00',
      currency: c.currency,
    })),
  );
}

async function numbersTaken(t: TestService): Promise<number> {
  const rows = await rowsOf<{ n: string }>(
    knexOf(t.service.database).raw(`select coalesce(sum(last_number), 0)::text as n from invoice_counters`),
  );
  return Number(rows[0]!.n);
}

describe('with the example seller and demo mode off', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({
      clock: new FixedClock(NOW),
      env: { BILLING_DEMO: 'false', BILLING_CLOSE_INTERVAL_MS: '0' },
    });
    await seed(t, [{ account: 'demo-off', currency: 'SEK' }]);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('closes into a draft but refuses to number it, naming BILLING_SELLER_FILE', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const closed = await billing.closeBillingPeriod({
      requestId: uuid(),
      customerAccount: 'demo-off',
      periodContaining: OCTOBER,
      issue: false,
    });
    const id = closed.invoices[0]!.id;
    const refused = await expectStatus(
      billing.issueInvoice({ requestId: uuid(), invoiceId: id }),
      Status.FAILED_PRECONDITION,
    );
    expect(refused.details).toMatch(/BILLING_SELLER_FILE/);
    const closeAndIssue = await expectStatus(
      billing.closeBillingPeriod({
        requestId: uuid(),
        customerAccount: 'demo-off',
        periodContaining: OCTOBER,
        issue: true,
      }),
      Status.FAILED_PRECONDITION,
    );
    expect(closeAndIssue.details).toMatch(/BILLING_SELLER_FILE/);
    const invoice = (await billing.getInvoice({ invoiceId: id })).invoice!;
    expect(invoice.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);
    expect(invoice.number).toBe('');
    expect(await numbersTaken(t)).toBe(0);
  });
});

describe('with a valid seller file', () => {
  let t: TestService;
  let dir: string;
  let sellerFile: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seller-'));
    sellerFile = path.join(dir, 'seller.json');
    fs.writeFileSync(sellerFile, JSON.stringify(VALID_SELLER));
    t = await startTestService({
      clock: new FixedClock(NOW),
      env: { BILLING_DEMO: 'false', BILLING_SELLER_FILE: sellerFile, BILLING_CLOSE_INTERVAL_MS: '0' },
    });
    await seed(t, [
      { account: 'sek-buyer', currency: 'SEK' },
      { account: 'eur-buyer', currency: 'EUR' },
      { account: 'gbp-buyer', currency: 'GBP' },
    ]);
  }, 60_000);
  afterAll(async () => {
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('issues an invoice in SEK with the configured seller, without a VAT restatement', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const closed = await billing.closeBillingPeriod({
      requestId: uuid(),
      customerAccount: 'sek-buyer',
      periodContaining: OCTOBER,
      issue: false,
    });
    const issued = (await billing.issueInvoice({ requestId: uuid(), invoiceId: closed.invoices[0]!.id }))
      .invoice!;
    expect(issued.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(issued.number).toMatch(/^INV-2026-\d{6}$/);
    const [stored] = await new PostgresInvoiceStore(t.service.database).getInvoices([issued.id]);
    expect(stored!.document.seller).toMatchObject({
      name: VALID_SELLER.name,
      electronicAddress: { scheme: '0007', id: '5566778899' },
    });
    expect(stored!.document.accountingCurrencyVat).toBeUndefined();
  });

  it('records the VAT of an EUR invoice in SEK at the shipped rate of its issue date', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const closed = await billing.closeBillingPeriod({
      requestId: uuid(),
      customerAccount: 'eur-buyer',
      periodContaining: OCTOBER,
      issue: true,
    });
    const invoice = closed.invoices[0]!;
    expect(invoice.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    const read = await readExchangeRates(path.join(REPO_ROOT, 'rules/exchange-rates.json'));
    if (!read.ok) throw new Error('the shipped exchange rates are invalid');
    const expected = rateOn(read.table, 'EUR', ISSUE_DATE);
    if (!expected.ok) throw new Error(expected.reason);
    const [stored] = await new PostgresInvoiceStore(t.service.database).getInvoices([invoice.id]);
    const vat = stored!.document.totals.vatTotal;
    expect(vat).toBe('10.00'); // 40.00 EUR at 25 %
    expect(stored!.document.accountingCurrencyVat).toEqual({
      currency: 'SEK',
      rate: expected.rate.rate,
      rateDate: expected.rate.date,
      rateSource: expected.rate.source,
      vatTotal: (Math.round(Number(expected.rate.rate) * 10 * 100) / 100).toFixed(2),
    });
  });

  it('refuses a currency without a rate, naming it, the date and the file; the invoice stays a draft', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const before = await numbersTaken(t);
    const refused = await expectStatus(
      billing.closeBillingPeriod({
        requestId: uuid(),
        customerAccount: 'gbp-buyer',
        periodContaining: OCTOBER,
        issue: true,
      }),
      Status.FAILED_PRECONDITION,
    );
    expect(refused.details).toMatch(/GBP on 2026-11-28 in .*exchange-rates\.json/);
    const [draft] = (
      await billing.listInvoices({ customerAccount: 'gbp-buyer', pageSize: 10, pageToken: '' })
    ).invoices;
    expect(draft!.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);
    const again = await expectStatus(
      billing.issueInvoice({ requestId: uuid(), invoiceId: draft!.id }),
      Status.FAILED_PRECONDITION,
    );
    expect(again.details).toMatch(/no exchange rate for GBP on 2026-11-28/);
    expect((await billing.getInvoice({ invoiceId: draft!.id })).invoice!.status).toBe(
      InvoiceStatus.INVOICE_STATUS_DRAFT,
    );
    expect(await numbersTaken(t)).toBe(before);
  });

  it('scheduled closing with issue numbers the rest and leaves a document without a rate a draft, reported', async () => {
    await seed(t, [
      { account: 'due-sek', currency: 'SEK' },
      { account: 'due-gbp', currency: 'GBP' },
    ]);
    const settings = {
      ...loadInvoicingConfig({
        BILLING_SELLER_FILE: sellerFile,
        BILLING_RULES_DIR: path.join(REPO_ROOT, 'rules'),
      }),
      closeIssues: true,
    };
    const store = new PostgresInvoiceStore(t.service.database);
    const report = await closeDuePeriods(
      {
        store,
        closing: new PostgresCloseUnitOfWork(t.service.database),
        settings,
        now: () => NOW,
      },
      {},
    );
    expect(report.notIssued).toHaveLength(1);
    expect(report.notIssued[0]!.reason).toMatch(/no exchange rate for GBP on 2026-11-28/);
    const [gbp] = await store.getInvoices([report.notIssued[0]!.invoiceId]);
    expect([gbp!.customerAccount, gbp!.status]).toEqual(['due-gbp', 'DRAFT']);
    const sek = (await store.listInvoices({ customerAccount: 'due-sek' }, 10)).invoices;
    expect(sek.map((i) => i.status)).toEqual(['ISSUED']);
  });
});

describe('start-up', () => {
  it('logs a warning in demo mode before it opens the database', async () => {
    // An unreachable database and no wait: the warning comes first, then the process gives up.
    const { code, out } = await serveUntilExit({
      BILLING_DEMO: 'true',
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
      BILLING_DATABASE_WAIT_MS: '0',
    });
    expect(code).toBe(1);
    const warning = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .find((l) => l.msg.startsWith('demo mode (BILLING_DEMO=true)'));
    expect(warning?.level).toBe(40);
  }, 60_000);

  it('stops `billing serve` before it serves, naming the field and the reason', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seller-bad-'));
    const sellerFile = path.join(dir, 'seller.json');
    fs.writeFileSync(sellerFile, JSON.stringify({ ...VALID_SELLER, vatNumber: 'SE556677889801' }));
    try {
      const { code, out } = await serveUntilExit({
        BILLING_SELLER_FILE: sellerFile,
        BILLING_DATA_DIR: path.join(dir, 'data'),
      });
      expect(code).toBe(1);
      expect(out).toMatch(
        /billing serve could not start: BILLING_SELLER_FILE .*seller\.json: \\"vatNumber\\": .*Luhn/,
      );
      expect(out).not.toMatch(/billing service serving/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
