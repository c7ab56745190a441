/**
 * InvoiceService against the real server and database: closing (idempotent), issuing (numbering),
 * immutability (the trigger), credit notes, late charges, running charges and the PDF.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessType } from '../../src/gen/billing/v1/common';
import {
  DocumentFormat,
  InvoiceKind,
  InvoiceServiceDefinition,
  InvoiceStatus,
  VatCategory,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { REBUILD_DAILY_TOTALS } from '../../src/persistence/daily-totals-sql';
import { FixedClock } from '../../src/app/clock';
import { expectStatus } from '../support/expect-status';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf, uuid } from './support';

let t: TestService;
let billing: ReturnType<typeof client>;
const client = () => t.client(InvoiceServiceDefinition, 'billing');

// Periods in Europe/Stockholm: October 2026 = [2026-09-30T22:00Z, 2026-10-31T23:00Z).
const OCTOBER = new Date('2026-10-15T12:00:00Z');
const SEPTEMBER = new Date('2026-09-15T12:00:00Z');
// The service's "now": November 2026 is the open period, whatever day the suite runs on.
const NOW = new Date('2026-11-28T12:00:00Z');

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW) });
  billing = client();
  const db = t.service.database;
  await insertCustomers(db, [
    { account: 'acme' },
    {
      account: 'berlin',
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
      country: 'DE',
      vatNumber: 'DE123456789',
    },
    { account: 'idle' },
    { account: 'late' },
    { account: 'tiny', contract: { minimumCommitment: '100' } },
  ]);
  await insertCharges(db, [
    // acme, October: local dial-in 3 × 600 s at 0.09/min = 0.90 each, 2.70
    ...[1, 2, 3].map((d) => ({
      account: 'acme',
      conference: 'conf-1',
      start: `2026-10-0${d}T09:00:00Z`,
      seconds: 600,
      amount: '0.9',
    })),
    // dial-out SE-mobile 125 s at 0.63/min = 1.3125, billed 1.31
    {
      account: 'acme',
      conference: 'conf-1',
      accessType: 'dial_out' as const,
      zone: 'SE-mobile',
      start: '2026-10-05T09:00:00Z',
      seconds: 125,
      amount: '1.31',
      parts: [{ kind: 'usage', quantity: '125', unitCode: 'SEC', price: '0.63', baseQuantity: '60' }],
    },
    // web 10 × 60 s at 0.333/min = 0.333, each billed 0.33: the line is 600 s x 0.333 / 60 = 3.33, the
    // calls 3.30, so a rounding line of -0.03 (VAT is computed on the rounded line sum, once)
    ...Array.from({ length: 10 }, (_, i) => ({
      account: 'acme',
      conference: 'conf-2',
      accessType: 'web' as const,
      start: `2026-10-10T1${i}:00:00Z`,
      seconds: 60,
      amount: '0.33',
      parts: [
        {
          kind: 'usage' as const,
          quantity: '60',
          unitCode: 'SEC' as const,
          price: '0.333',
          baseQuantity: '60',
        },
      ],
    })),
    // the first instant of October in Stockholm belongs to October, the last of September does not
    { account: 'acme', conference: 'conf-3', start: '2026-09-30T22:00:00Z', seconds: 60, amount: '0' },
    // berlin: EUR, reverse charge, 60 s at 1.005/min = 1.005 -> 1.01
    {
      account: 'berlin',
      start: '2026-10-20T10:00:00Z',
      seconds: 60,
      amount: '1.01',
      currency: 'EUR',
      parts: [{ kind: 'usage', quantity: '60', unitCode: 'SEC', price: '1.005', baseQuantity: '60' }],
    },
    // late: one September charge now, one arriving after September closed
    { account: 'late', start: '2026-09-10T10:00:00Z', seconds: 120, amount: '2' },
    { account: 'late', start: '2026-10-10T10:00:00Z', seconds: 60, amount: '1' },
    // tiny: below its minimum commitment of 100
    { account: 'tiny', start: '2026-10-10T10:00:00Z', seconds: 60, amount: '12.5' },
  ]);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

function byAccount(invoices: Invoice[], account: string): Invoice {
  const found = invoices.filter((i) => i.customerAccount === account);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('closing a billing period', () => {
  let october: Invoice[];

  it('turns the charges into one draft per customer with hand-computed lines and totals', async () => {
    // September first, for the late charge test below.
    const september = await billing.closeBillingPeriod({
      requestId: uuid(),
      customerAccount: 'late',
      periodContaining: SEPTEMBER,
      issue: false,
    });
    expect(september.invoices).toHaveLength(1);
    expect(september.invoices[0]!.netTotal!.amount).toBe('2.00');
    // A CDR of September arriving after September closed: it goes onto October's invoice.
    await insertCharges(t.service.database, [
      { account: 'late', start: '2026-09-20T10:00:00Z', seconds: 60, amount: '2.5' },
    ]);

    const result = await billing.closeBillingPeriod({
      requestId: uuid(),
      periodContaining: OCTOBER,
      issue: false,
    });
    october = result.invoices;
    expect(october.map((i) => i.customerAccount).sort()).toEqual(['acme', 'berlin', 'late', 'tiny']);
    expect(result.skipped).toEqual([]);

    const acme = byAccount(october, 'acme');
    expect(acme.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);
    expect(acme.number).toBe('');
    expect(acme.kind).toBe(InvoiceKind.INVOICE_KIND_INVOICE);
    expect(acme.periodStart).toEqual(new Date('2026-09-30T22:00:00Z'));
    expect(acme.periodEnd).toEqual(new Date('2026-10-31T23:00:00Z'));
    expect(acme.currencyCode).toBe('SEK');
    const lines = acme.lines.map((l) => [
      l.accessType,
      l.zone,
      l.quantity,
      l.unit,
      l.unitPrice!.amount,
      l.netAmount!.amount,
      l.vatRate,
      l.chargeCount,
    ]);
    // Seconds at each exact price; the first instant of October's free call is a line at 0 of its own.
    // Lines no longer count calls (chargeCount 0).
    expect(lines).toEqual([
      [AccessType.ACCESS_TYPE_LOCAL_DIAL_IN, '', '1800', 's', '0.09', '2.70', '25', 0], // 1800 x 0.09 / 60
      [AccessType.ACCESS_TYPE_LOCAL_DIAL_IN, '', '60', 's', '0', '0.00', '25', 0],
      [AccessType.ACCESS_TYPE_DIAL_OUT, 'SE-mobile', '125', 's', '0.63', '1.31', '25', 0], // 1.3125 -> 1.31
      [AccessType.ACCESS_TYPE_WEB, '', '600', 's', '0.333', '3.33', '25', 0], // 600 x 0.333 / 60
      [AccessType.ACCESS_TYPE_UNSPECIFIED, '', '-1', 'unit', '0.03', '-0.03', '25', 0], // calls 3.30 - 3.33
    ]);
    // net 2.70 + 1.31 + 3.33 - 0.03 = 7.31 = the calls' charges; VAT 1.8275 -> 1.83; gross 9.14
    expect(acme.netTotal).toEqual({ currencyCode: 'SEK', amount: '7.31' });
    expect(acme.vat).toEqual([
      {
        vatCategory: VatCategory.VAT_CATEGORY_STANDARD,
        vatRate: '25',
        taxableAmount: { currencyCode: 'SEK', amount: '7.31' },
        vatAmount: { currencyCode: 'SEK', amount: '1.83' },
        exemptionReason: '',
      },
    ]);
    expect(acme.grossTotal!.amount).toBe('9.14');
    expect(acme.buyer!.name).toBe('Customer acme AB');
    expect(acme.seller!.vatNumber).toMatch(/^SE/);

    const berlin = byAccount(october, 'berlin');
    expect(berlin.currencyCode).toBe('EUR');
    expect(berlin.lines[0]!.netAmount!.amount).toBe('1.01');
    expect(berlin.lines[0]!.vatCategory).toBe(VatCategory.VAT_CATEGORY_REVERSE_CHARGE);
    expect(berlin.vatTotal!.amount).toBe('0.00');
    expect(berlin.vat[0]!.exemptionReason).toMatch(/Reverse charge/);

    const tiny = byAccount(october, 'tiny');
    expect(tiny.netTotal!.amount).toBe('100.00');
    expect(tiny.lines.map((l) => l.netAmount!.amount)).toEqual(['12.50', '87.50']);
  });

  it('puts a late charge of a closed period on the next invoice, marked with its period', async () => {
    const late = byAccount(october, 'late');
    expect(late.lines.map((l) => [l.description.includes('2026-09'), l.netAmount!.amount]).sort()).toEqual([
      [false, '1.00'],
      [true, '2.50'],
    ]);
    // A late October charge after October closed: the closed invoice does not change; it waits for November.
    await insertCharges(t.service.database, [
      { account: 'late', start: '2026-10-30T10:00:00Z', seconds: 60, amount: '5' },
    ]);
    const again = await billing.closeBillingPeriod({
      requestId: uuid(),
      customerAccount: 'late',
      periodContaining: OCTOBER,
      issue: false,
    });
    expect(again.invoices[0]!.id).toBe(late.id);
    expect(again.invoices[0]!.netTotal!.amount).toBe(late.netTotal!.amount);
    const open = await rowsOf<{ n: number }>(
      knexOf(t.service.database).raw(
        `select count(*)::int as n from charges c where customer_account = 'late' and not exists (select 1 from charge_claims k where k.charge_id = c.id)`,
      ),
    );
    expect(open[0]!.n).toBe(1);
  });

  it('is idempotent: closing again, and twice at once, returns the same invoices', async () => {
    const [a, b, c] = await Promise.all([
      billing.closeBillingPeriod({ requestId: uuid(), periodContaining: OCTOBER, issue: false }),
      client().closeBillingPeriod({ requestId: uuid(), periodContaining: OCTOBER, issue: false }),
      client().closeBillingPeriod({
        requestId: uuid(),
        customerAccount: 'acme',
        periodStart: new Date('2026-09-30T22:00:00Z'),
        issue: false,
      }),
    ]);
    const ids = (r: { invoices: Invoice[] }) => r.invoices.map((i) => i.id).sort();
    expect(ids(a)).toEqual(october.map((i) => i.id).sort());
    expect(ids(b)).toEqual(ids(a));
    expect(ids(c)).toEqual([byAccount(october, 'acme').id]);
    const rows = await rowsOf(
      knexOf(t.service.database).raw(
        `select customer_account, period_key, count(*)::int as n from invoices where kind = 'INVOICE' group by 1, 2 having count(*) > 1`,
      ),
    );
    expect(rows).toEqual([]);
  });

  it('skips a period that has not ended, and says why', async () => {
    const result = await billing.closeBillingPeriod({
      requestId: uuid(),
      customerAccount: 'acme',
      periodContaining: NOW,
      issue: false,
    });
    expect(result.invoices).toEqual([]);
    expect(result.skipped[0]!.reason).toMatch(/in the future/);
  });

  it('refuses bad requests precisely', async () => {
    await expectStatus(
      billing.closeBillingPeriod({ requestId: uuid(), issue: false, customerAccount: '' }),
      Status.INVALID_ARGUMENT,
    );
    await expectStatus(
      billing.closeBillingPeriod({
        requestId: '',
        periodContaining: OCTOBER,
        issue: false,
        customerAccount: '',
      }),
      Status.INVALID_ARGUMENT,
    );
    await expectStatus(
      billing.closeBillingPeriod({
        requestId: uuid(),
        customerAccount: 'nobody',
        periodContaining: OCTOBER,
        issue: false,
      }),
      Status.NOT_FOUND,
    );
    await expectStatus(billing.getInvoice({ invoiceId: 'x1' }), Status.INVALID_ARGUMENT);
    await expectStatus(billing.getInvoice({ invoiceId: '999999' }), Status.NOT_FOUND);
    await expectStatus(billing.getInvoice({ invoiceNumber: 'INV-2026-999999' }), Status.NOT_FOUND);
    await expectStatus(billing.listInvoices({ pageToken: 'garbage!' }), Status.INVALID_ARGUMENT);
  });

  it('lists with filters and page tokens', async () => {
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await billing.listInvoices({
        pageSize: 2,
        pageToken,
        kind: InvoiceKind.INVOICE_KIND_INVOICE,
      });
      expect(page.invoices.length).toBeLessThanOrEqual(2);
      seen.push(...page.invoices.map((i) => i.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toHaveLength(5); // four for October, one for September
    expect(new Set(seen).size).toBe(5);
    const acme = await billing.listInvoices({ customerAccount: 'acme' });
    expect(acme.invoices.map((i) => i.customerAccount)).toEqual(['acme']);
    const sept = await billing.listInvoices({
      periodStartRange: {
        startTime: new Date('2026-08-31T00:00:00Z'),
        endTime: new Date('2026-09-15T00:00:00Z'),
      },
    });
    expect(sept.invoices.map((i) => i.customerAccount)).toEqual(['late']);
  });
});

describe('issuing, immutability and credit notes', () => {
  let issued: Invoice;

  it('issues a draft with the next number of the series; a retry with the same request id answers the same', async () => {
    const draft = (await billing.listInvoices({ customerAccount: 'acme' })).invoices[0]!;
    const requestId = uuid();
    const first = await billing.issueInvoice({ requestId, invoiceId: draft.id, issueDate: '2026-11-02' });
    issued = first.invoice!;
    expect(issued.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(issued.number).toMatch(/^INV-2026-\d{6}$/);
    expect(issued.issueDate).toBe('2026-11-02');
    expect(issued.dueDate).toBe('2026-12-02');
    expect(issued.netTotal).toEqual(draft.netTotal);
    const retry = await billing.issueInvoice({ requestId, invoiceId: draft.id, issueDate: '2026-11-02' });
    expect(retry.invoice!.number).toBe(issued.number);
    await expectStatus(
      billing.issueInvoice({ requestId: uuid(), invoiceId: draft.id, issueDate: '' }),
      Status.FAILED_PRECONDITION,
    );
    await expectStatus(
      billing.issueInvoice({ requestId, invoiceId: draft.id, issueDate: '2026-11-03' }),
      Status.FAILED_PRECONDITION,
    );
    await expectStatus(
      billing.issueInvoice({ requestId: uuid(), invoiceId: '424242', issueDate: '' }),
      Status.NOT_FOUND,
    );
    expect((await billing.getInvoice({ invoiceNumber: issued.number })).invoice!.id).toBe(issued.id);
  });

  it('an issued invoice cannot be changed, even by raw SQL through the service role', async () => {
    const knex = knexOf(t.service.database);
    await expect(knex.raw(`update invoices set net_total = 0 where id = ?`, [issued.id])).rejects.toThrow(
      /issued and can never change/,
    );
    await expect(knex.raw(`delete from invoices where id = ?`, [issued.id])).rejects.toThrow(
      /issued and can never change/,
    );
    await expect(
      knex.raw(`update invoice_lines set net_amount = 0 where invoice_id = ?`, [issued.id]),
    ).rejects.toThrow(/can never change/);
    await expect(knex.raw(`delete from invoice_lines where invoice_id = ?`, [issued.id])).rejects.toThrow(
      /can never change/,
    );
    await expect(
      knex.raw(
        `insert into invoice_lines (invoice_id, line_no, kind, description, quantity, unit_code, unit_price, base_quantity, net_amount, vat_rate, vat_category)
         values (?, 99, 'adjustment', 'sneaky', 1, 'C62', 1, 1, 1, 25, 'S')`,
        [issued.id],
      ),
    ).rejects.toThrow(/can never change/);
    const after = (await billing.getInvoice({ invoiceId: issued.id })).invoice!;
    expect(after).toEqual(issued);
    // Drafts stay editable.
    const draft = (await billing.listInvoices({ customerAccount: 'tiny' })).invoices[0]!;
    await knex.raw(`update invoices set document = document where id = ?`, [draft.id]);
  });

  it('a credit note refers to its invoice and negates it exactly, in its own series', async () => {
    await expectStatus(
      billing.createCreditNote({
        requestId: uuid(),
        invoiceId: issued.id,
        reason: '',
        lines: [],
        issue: true,
      }),
      Status.INVALID_ARGUMENT,
    );
    const draftId = (await billing.listInvoices({ customerAccount: 'tiny' })).invoices[0]!.id;
    await expectStatus(
      billing.createCreditNote({
        requestId: uuid(),
        invoiceId: draftId,
        reason: 'x',
        lines: [],
        issue: true,
      }),
      Status.FAILED_PRECONDITION,
    );

    // One line in part first: 60 of the 600 web seconds, 60 x 0.333 / 60 = 0.333 -> 0.33, VAT 0.0825 -> 0.08
    const web = issued.lines.find((l) => l.accessType === AccessType.ACCESS_TYPE_WEB)!;
    const part = (
      await billing.createCreditNote({
        requestId: uuid(),
        invoiceNumber: issued.number,
        reason: 'one web minute was a test call',
        lines: [{ lineNumber: web.lineNumber, quantity: '60' }],
        issue: true,
      })
    ).creditNote!;
    expect(part.kind).toBe(InvoiceKind.INVOICE_KIND_CREDIT_NOTE);
    expect(part.number).toMatch(/^CN-2026-\d{6}$/);
    expect(part.creditedInvoiceNumber).toBe(issued.number);
    expect(part.creditReason).toBe('one web minute was a test call');
    expect(part.lines).toHaveLength(1);
    expect(part.lines[0]!.creditedLineNumber).toBe(web.lineNumber);
    expect(part.lines[0]!.quantity).toBe('-60');
    expect(part.netTotal!.amount).toBe('-0.33');
    expect(part.vatTotal!.amount).toBe('-0.08');

    // Then the rest of the invoice: the two notes together negate it to the cent.
    const requestId = uuid();
    const rest = (
      await billing.createCreditNote({
        requestId,
        invoiceId: issued.id,
        reason: 'customer cancelled',
        lines: [],
        issue: true,
      })
    ).creditNote!;
    expect(rest.netTotal!.amount).toBe('-6.98'); // 7.31 - 0.33
    const retry = (
      await billing.createCreditNote({
        requestId,
        invoiceId: issued.id,
        reason: 'customer cancelled',
        lines: [],
        issue: true,
      })
    ).creditNote!;
    expect(retry.id).toBe(rest.id);
    const sumNet = Number(part.netTotal!.amount) * 100 + Number(rest.netTotal!.amount) * 100;
    expect(Math.round(sumNet)).toBe(-Math.round(Number(issued.netTotal!.amount) * 100));

    // Nothing left to credit.
    await expectStatus(
      billing.createCreditNote({
        requestId: uuid(),
        invoiceId: issued.id,
        reason: 'again',
        lines: [],
        issue: true,
      }),
      Status.FAILED_PRECONDITION,
    );
    await expectStatus(
      billing.createCreditNote({
        requestId: uuid(),
        invoiceId: issued.id,
        reason: 'again',
        lines: [{ lineNumber: web.lineNumber, quantity: '60' }],
        issue: true,
      }),
      Status.FAILED_PRECONDITION,
    );
    const invoice = (await billing.getInvoice({ invoiceId: issued.id })).invoice!;
    expect(invoice.creditNoteNumbers).toEqual([part.number, rest.number].sort());
    expect(invoice.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);

    // A full credit of a fresh invoice negates every total exactly.
    const berlin = (await billing.listInvoices({ customerAccount: 'berlin' })).invoices[0]!;
    const berlinIssued = (
      await billing.issueInvoice({ requestId: uuid(), invoiceId: berlin.id, issueDate: '' })
    ).invoice!;
    const full = (
      await billing.createCreditNote({
        requestId: uuid(),
        invoiceId: berlin.id,
        reason: 'wrong customer',
        lines: [],
        issue: false,
      })
    ).creditNote!;
    expect(full.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);
    expect(full.netTotal!.amount).toBe(`-${berlinIssued.netTotal!.amount}`);
    expect(full.grossTotal!.amount).toBe(`-${berlinIssued.grossTotal!.amount}`);
    const fullIssued = (await billing.issueInvoice({ requestId: uuid(), invoiceId: full.id, issueDate: '' }))
      .invoice!;
    expect(fullIssued.number).toMatch(/^CN-\d{4}-\d{6}$/);
  });

  it('renders the PDF of an invoice and a credit note (test-output/)', async () => {
    const out = path.join(REPO_ROOT, 'test-output');
    fs.mkdirSync(out, { recursive: true });
    const tiny = (await billing.listInvoices({ customerAccount: 'tiny' })).invoices[0]!;
    const tinyIssued = (await billing.issueInvoice({ requestId: uuid(), invoiceId: tiny.id, issueDate: '' }))
      .invoice!;
    for (const invoice of [issued, tinyIssued]) {
      const doc = await billing.renderInvoiceDocument({ invoiceId: invoice.id, format: 0 });
      expect(doc.contentType).toBe('application/pdf');
      expect(doc.fileName).toBe(`invoice-${invoice.number}.pdf`);
      expect(doc.content.subarray(0, 5).toString()).toBe('%PDF-');
      const file = path.join(out, `service-${doc.fileName}`);
      fs.writeFileSync(file, doc.content);
      try {
        execFileSync('pdftoppm', ['-png', '-r', '60', '-singlefile', file, file.replace(/\.pdf$/, '')]);
      } catch {
        // poppler not installed: the PDF alone is the sample
      }
    }
    const note = (
      await billing.listInvoices({ customerAccount: 'acme', kind: InvoiceKind.INVOICE_KIND_CREDIT_NOTE })
    ).invoices[0]!;
    const doc = await billing.renderInvoiceDocument({ invoiceId: note.id, format: 0 });
    fs.writeFileSync(path.join(out, `service-${doc.fileName}`), doc.content);
    expect(doc.fileName).toMatch(/^credit-note-CN-/);
  });

  it('refuses an e-invoice for a draft and for a customer without a Peppol address', async () => {
    const draft = (await billing.listInvoices({ customerAccount: 'acme' })).invoices.find(
      (i) => i.status === InvoiceStatus.INVOICE_STATUS_DRAFT,
    );
    if (draft) {
      await expectStatus(
        billing.renderInvoiceDocument({ invoiceId: draft.id, format: DocumentFormat.DOCUMENT_FORMAT_UBL }),
        Status.FAILED_PRECONDITION,
      );
    }
    const error = await expectStatus(
      billing.renderInvoiceDocument({ invoiceId: issued.id, format: DocumentFormat.DOCUMENT_FORMAT_UBL }),
      Status.FAILED_PRECONDITION,
    );
    expect(error.details).toMatch(/electronic_address/);
    await expectStatus(
      billing.renderInvoiceDocument({ invoiceId: issued.id, format: 99 as DocumentFormat }),
      Status.INVALID_ARGUMENT,
    );
  });

  it('sales may read running charges but not close periods', async () => {
    const sales = t.client(InvoiceServiceDefinition, 'sales');
    await expectStatus(
      sales.closeBillingPeriod({
        requestId: uuid(),
        periodContaining: OCTOBER,
        issue: false,
        customerAccount: '',
      }),
      Status.PERMISSION_DENIED,
    );
  });
});

describe('running charges', () => {
  it('answers the open period from the daily totals, with its breakdown and unrated CDRs', async () => {
    const knex = knexOf(t.service.database);
    await knex.raw(
      `insert into charge_daily_totals (customer_account, local_date, access_type, zone, currency, calls, billed_seconds, amount) values
       ('acme', '2026-10-31', 'local_dial_in', '', 'SEK', 99, 9999, '99'),
       ('acme', '2026-11-01', 'local_dial_in', '', 'SEK', 2, 1200, '1.80'),
       ('acme', '2026-11-15', 'local_dial_in', '', 'SEK', 1, 90, '0.135'),
       ('acme', '2026-11-15', 'dial_out', 'SE-mobile', 'SEK', 3, 185, '1.9425'),
       ('acme', '2026-11-25', 'web', '', 'SEK', 1, 60, '0.01')`,
    );
    await knex.raw(`select billing_ensure_month_partitions('2026-11-10T10:00:00Z', '2026-11-10T10:00:00Z')`);
    await knex.raw(
      `insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time, end_time, duration_seconds, rating_status, unrated_reason)
       values ('test-bridge', 'unrated-1', 'f', 'c', 'acme', 'web', '2026-11-10T10:00:00Z', '2026-11-10T10:01:00Z', 60, 'unrated', 'no rate')`,
    );
    const sales = t.client(InvoiceServiceDefinition, 'sales');
    const r = await sales.getRunningCharges({
      customerAccount: 'acme',
      asOf: new Date('2026-11-20T12:00:00Z'),
    });
    expect(r.periodStart).toEqual(new Date('2026-10-31T23:00:00Z'));
    expect(r.periodEnd).toEqual(new Date('2026-11-30T23:00:00Z'));
    expect(r.totals).toEqual([{ currencyCode: 'SEK', amount: '3.8775' }]);
    expect(r.breakdown).toEqual([
      {
        accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
        zone: 'SE-mobile',
        minutes: '3.0833',
        calls: 3,
        amount: { currencyCode: 'SEK', amount: '1.9425' },
      },
      {
        accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
        zone: '',
        minutes: '21.5',
        calls: 3,
        amount: { currencyCode: 'SEK', amount: '1.935' },
      },
    ]);
    expect(r.unratedCount).toBe(1);
    const now = await sales.getRunningCharges({ customerAccount: 'acme' });
    expect(now.breakdown.map((b) => b.accessType)).toContain(AccessType.ACCESS_TYPE_WEB);
    await expectStatus(sales.getRunningCharges({ customerAccount: '' }), Status.INVALID_ARGUMENT);

    // The totals ingest keeps (same SQL fragment), rebuilt from the stored charges: local dates in the customer's zone.
    const [drop, rebuild] = REBUILD_DAILY_TOTALS;
    await knex.transaction(async (trx) => {
      await trx.raw(drop, [JSON.stringify(['late'])]);
      await trx.raw(rebuild, [JSON.stringify(['late'])]);
    });
    const late = await sales.getRunningCharges({
      customerAccount: 'late',
      asOf: new Date('2026-10-31T12:00:00Z'),
    });
    expect(late.totals).toEqual([{ currencyCode: 'SEK', amount: '6' }]);
    expect(late.breakdown).toEqual([
      {
        accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
        zone: '',
        minutes: '2',
        calls: 2,
        amount: { currencyCode: 'SEK', amount: '6' },
      },
    ]);
    await expectStatus(sales.getRunningCharges({ customerAccount: 'nobody' }), Status.NOT_FOUND);
  });
});
