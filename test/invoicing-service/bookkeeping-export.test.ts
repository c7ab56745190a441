/**
 * ExportBookkeeping end to end over gRPC: sales creates a customer (with å ä ö in its name), the
 * bridge sends CDRs, billing closes and issues the month's invoice and credits part of it, then the
 * month is exported as SIE 4 and read back by an independent parser. The customer is priced in SEK
 * from the shipped SEK price list, since bookkeeping is in SEK.
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import {
  BookkeepingFormat,
  InvoiceServiceDefinition,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { expectStatus } from '../support/expect-status';
import { parseSie, voucherSumOre, oreOf } from '../support/sie-parser';
import { startTestService, type TestService } from '../support/test-service';

// The service's "now": the invoice and the credit note are issued on 2026-11-28 (Stockholm); November
// is exported once it has ended (bookkeeping-months.test.ts), on 1 December.
const NOW = new Date('2026-11-28T12:00:00Z');
const EXPORTED = new Date('2026-12-01T09:00:00Z');
const clock = new FixedClock(NOW);
const CUSTOMER_NAME = 'Ärlig Åkeri & Östra Öl AB';

let t: TestService;
let invoice: Invoice;
let creditNote: Invoice;

beforeAll(async () => {
  t = await startTestService({
    clock,
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await t.client(CustomerServiceDefinition, 'sales').upsertCustomer({
    requestId: 'create-SIE-1',
    expectedVersion: 0,
    customer: {
      externalId: 'SIE-1',
      name: CUSTOMER_NAME,
      billingAddress: { lines: ['Storgatan 3'], postalCode: '852 30', city: 'Sundsvall', countryCode: 'SE' },
      email: 'ekonomi@arlig.example',
      vatNumber: 'SE556111222701',
      countryCode: 'SE',
      currencyCode: 'SEK',
      timeZone: 'Europe/Stockholm',
      paymentTermsDays: 30,
      registrationNumber: '556111-2223',
      version: 0,
    },
  });
  // Ten 10-minute local dial-ins and one 10-minute dial-out to a Swedish fixed line, Tue 6 Oct, peak.
  const start = (i: number) => new Date(Date.UTC(2026, 9, 6, 9, i * 2));
  const leg = (i: number, accessType: AccessType, calledNumber: string) => ({
    bridgeId: 'test-bridge',
    recordId: `sie-${i}`,
    conferenceId: 'conf-sie',
    bookingId: '',
    customerAccount: 'SIE-1',
    accessType,
    callerNumber: '+46812345678',
    calledNumber,
    startTime: start(i),
    answerTime: start(i),
    endTime: new Date(start(i).getTime() + 600_000),
    durationSeconds: 600,
    features: [],
  });
  await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
    requestId: 'sie-cdrs',
    cdrs: [
      ...Array.from({ length: 10 }, (_, i) => leg(i, AccessType.ACCESS_TYPE_LOCAL_DIAL_IN, '+46850000000')),
      leg(20, AccessType.ACCESS_TYPE_DIAL_OUT, '+46812345678'),
    ],
  });
  // October closes into an invoice issued "today", 28 November; part of it is credited the same day.
  const billing = t.client(InvoiceServiceDefinition, 'billing');
  const closed = await billing.closeBillingPeriod({
    requestId: 'sie-close',
    customerAccount: 'SIE-1',
    periodContaining: new Date('2026-10-15T12:00:00Z'),
    issue: true,
  });
  expect(closed.skipped).toEqual([]);
  invoice = closed.invoices[0]!;
  const credited = await billing.createCreditNote({
    requestId: 'sie-credit',
    invoiceId: invoice.id,
    reason: 'Dial-out not ordered',
    lines: [{ lineNumber: invoice.lines.length, quantity: '' }],
    issue: true,
  });
  creditNote = credited.creditNote!;
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

const money = (m: { amount: string } | undefined) => oreOf(m!.amount);

describe('ExportBookkeeping', () => {
  it('exports the invoice and the credit note issued in the month as balanced SIE 4 vouchers', async () => {
    expect(invoice.number).toMatch(/^INV-2026-\d{6}$/);
    expect(creditNote.number).toMatch(/^CN-2026-\d{6}$/);
    expect(invoice.currencyCode).toBe('SEK');
    clock.set(EXPORTED);

    const file = await t.client(InvoiceServiceDefinition, 'finance').exportBookkeeping({
      period: '2026-11',
      format: BookkeepingFormat.BOOKKEEPING_FORMAT_SIE4,
    });
    expect(file.fileName).toBe('bookkeeping-2026-11.si');
    expect(file.contentType).toBe('text/plain; charset=IBM437');
    const sie = parseSie(Buffer.from(file.content));
    expect(sie.head.get('#SIETYP')).toEqual(['4']);
    expect(sie.head.get('#FORMAT')).toEqual(['PC8']);
    expect(sie.head.get('#GEN')).toEqual(['20261201']);
    expect(sie.head.get('#FNAMN')).toEqual([invoice.seller!.name]);
    expect(sie.head.get('#VALUTA')).toEqual(['SEK']);

    expect(sie.vouchers.map((v) => [v.date, v.text])).toEqual([
      ['20261128', `Faktura ${invoice.number}, ${CUSTOMER_NAME}`],
      ['20261128', `Kreditfaktura ${creditNote.number}, ${CUSTOMER_NAME}`],
    ]);
    // Å Ä Ö in the customer's name, as code page 437 bytes.
    expect(Buffer.from(file.content).includes(Buffer.from([0x8e, 0x72, 0x6c, 0x69, 0x67, 0x20, 0x8f]))).toBe(
      true,
    );

    const [inv, cn] = sie.vouchers;
    const on = (v: typeof inv, account: string) =>
      v!.transactions.filter((x) => x.account === account).reduce((s, x) => s + oreOf(x.amount), 0n);
    for (const [voucher, doc] of [
      [inv, invoice],
      [cn, creditNote],
    ] as const) {
      expect(voucherSumOre(voucher!)).toBe(0n);
      expect(on(voucher, '1510')).toBe(money(doc.grossTotal));
      expect(on(voucher, '3001')).toBe(-money(doc.netTotal));
      expect(on(voucher, '2611')).toBe(-money(doc.vatTotal));
    }
    expect(on(cn, '1510')).toBeLessThan(0n);
    expect(sie.accounts.get('1510')).toBe('Kundfordringar');
  });

  it('a month without issued documents is a file without vouchers (the issue date counts, not the period)', async () => {
    const file = await t.client(InvoiceServiceDefinition, 'finance').exportBookkeeping({ period: '2026-10' });
    const sie = parseSie(Buffer.from(file.content));
    expect(sie.vouchers).toEqual([]);
    expect(sie.head.get('#SIETYP')).toEqual(['4']);
  });

  it('refuses a malformed period naming the field, and a bridge token', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    for (const period of ['2026-13', '11-2026', '']) {
      const error = await expectStatus(billing.exportBookkeeping({ period }), Status.INVALID_ARGUMENT);
      expect(error.details).toContain('period');
    }
    await expectStatus(billing.exportBookkeeping({ period: '2026-11-01' }), Status.INVALID_ARGUMENT);
    await expectStatus(
      t.client(InvoiceServiceDefinition, 'bridge').exportBookkeeping({ period: '2026-11' }),
      Status.PERMISSION_DENIED,
    );
  });
});
