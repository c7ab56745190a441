/**
 * Issue 13, "Done when": every kind of document the service issues, made from data that flowed
 * through the real service over gRPC (customers and contracts from sales, CDRs streamed by the
 * bridge, periods closed and issued, a credit note, a rerate after a price rise), is fetched as UBL
 * and PDF with RenderInvoiceDocument; all UBLs are validated in ONE batch against the UBL 2.1 XSD,
 * the EN 16931 (CEN) and the Peppol BIS 3.0 rules with zero fatal errors; and on every line of every
 * document (as GetInvoice returns it, as the UBL states it and as the PDF prints it) quantity × unit
 * price / base quantity − allowance = net amount, to the cent.
 *
 * The service runs with a real seller file (demo mode off) on a clock pinned to 2 December 2026 and
 * closes November 2026. SEK customers are priced from rules/standard-2026-sek, EUR ones from
 * rules/standard-2026 (peak Mon-Fri 08-18 Stockholm time; November is UTC+1).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { lineAddsUp } from '../../src/domain/invoicing/line-price';
import { Decimal } from '../../src/domain/money';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import {
  CustomerServiceDefinition,
  InvoiceLineGrouping,
  type Customer,
} from '../../src/gen/billing/v1/customer_service';
import {
  DocumentFormat,
  InvoiceKind,
  InvoiceServiceDefinition,
  InvoiceStatus,
  VatCategory,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { einvoiceEnvironment, errorsOf, validateEinvoices } from '../support/einvoice-validator';
import { VALID_SELLER } from '../support/sellers';
import { streamOf } from '../support/stream-of';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { expectedNet, pdfLineRows, ublLines } from './support';
import { answeredCall } from '../support/answered-call';

const NOW = new Date('2026-12-02T12:00:00Z');
const NOVEMBER = new Date('2026-11-15T12:00:00Z');
const NOVEMBER_RANGE = {
  startTime: new Date('2026-10-31T23:00:00Z'),
  endTime: new Date('2026-11-30T23:00:00Z'),
};
const BRIDGE = 'bridge-1';
const BATCH = 500;

let t: TestService;
let dir: string;
let rulesDir: string;

/** The documents under test by name, with their UBL and PDF as the service rendered them. */
interface Rendered {
  invoice: Invoice;
  ubl: string;
  pdf: Buffer;
}
const docs = new Map<string, Rendered>();

function customer(externalId: string, over: Partial<Customer>): Customer {
  const country = over.countryCode ?? 'SE';
  return {
    externalId,
    name: `${externalId} Kund AB`,
    billingAddress: {
      lines: ['Kungsgatan 12'],
      postalCode: '411 19',
      city: 'Göteborg',
      countryCode: country,
    },
    email: `invoices@${externalId.toLowerCase()}.example`,
    vatNumber: '',
    countryCode: country,
    currencyCode: 'SEK',
    timeZone: 'Europe/Stockholm',
    paymentTermsDays: 30,
    registrationNumber: '',
    version: 0,
    buyerReference: `REF-${externalId}`,
    orderReference: '',
    invoiceLineGrouping: InvoiceLineGrouping.INVOICE_LINE_GROUPING_UNSPECIFIED,
    callSpecification: false,
    ...over,
  };
}

const CUSTOMERS: Customer[] = [
  customer('E2E-SEK', {
    vatNumber: 'SE556123456701',
    registrationNumber: '556123-4567',
    electronicAddress: { scheme: '0007', id: '5561234567' },
  }),
  customer('E2E-EUR', {
    currencyCode: 'EUR',
    vatNumber: 'SE556234567701',
    registrationNumber: '556234-5677',
    electronicAddress: { scheme: '0007', id: '5562345677' },
  }),
  customer('E2E-DE', {
    name: 'Konferenz Berlin GmbH',
    billingAddress: { lines: ['Unter den Linden 1'], postalCode: '10117', city: 'Berlin', countryCode: 'DE' },
    countryCode: 'DE',
    currencyCode: 'EUR',
    vatNumber: 'DE123456789',
    electronicAddress: { scheme: '9930', id: 'DE123456789' },
  }),
  customer('E2E-US', {
    name: 'Conference Corp Inc.',
    billingAddress: { lines: ['1 Main Street'], postalCode: '10001', city: 'New York', countryCode: 'US' },
    countryCode: 'US',
    currencyCode: 'EUR',
    electronicAddress: { scheme: '0060', id: '123456789' },
  }),
  customer('E2E-RERATE', {
    vatNumber: 'SE556345678801',
    electronicAddress: { scheme: '0007', id: '5563456788' },
  }),
  customer('E2E-TIER', {
    vatNumber: 'SE556456789801',
    electronicAddress: { scheme: '0007', id: '5564567898' },
  }),
  customer('E2E-CONF', {
    vatNumber: 'SE556567891801',
    electronicAddress: { scheme: '0007', id: '5565678918' },
    invoiceLineGrouping: InvoiceLineGrouping.INVOICE_LINE_GROUPING_CONFERENCE,
  }),
];

let n = 0;
function leg(
  account: string,
  access: AccessType,
  number: string,
  startUtc: string | Date,
  seconds: number,
  conferenceId = `conf-${account}`,
): Cdr {
  n += 1;
  const dialIn = access !== AccessType.ACCESS_TYPE_DIAL_OUT;
  return answeredCall({
    bridgeId: BRIDGE,
    recordId: `e2e-${n}`,
    conferenceId,
    customerAccount: account,
    accessType: access,
    callerNumber: dialIn ? number : '',
    calledNumber: dialIn ? '+46850000000' : number,
    start: startUtc,
    seconds,
  });
}
const DIAL_OUT = AccessType.ACCESS_TYPE_DIAL_OUT;
const LOCAL_IN = AccessType.ACCESS_TYPE_LOCAL_DIAL_IN;
/** Tuesday 3 November 2026, `minute` minutes after 09:00 UTC (10:00 Stockholm, peak). */
const peak = (minute: number) => new Date(Date.UTC(2026, 10, 3, 9, minute));

/** Streams CDRs in batches of BATCH on one StreamCdrs call; every one must be accepted and rated. */
async function stream(cdrs: Cdr[]): Promise<void> {
  const batches = [];
  for (let i = 0; i < cdrs.length; i += BATCH)
    batches.push({ batch: { sequence: String(batches.length + 1), cdrs: cdrs.slice(i, i + BATCH) } });
  const results = [];
  for await (const ack of t.client(CdrIngestServiceDefinition, 'bridge').streamCdrs(streamOf(batches)))
    results.push(...ack.results);
  expect(results).toHaveLength(cdrs.length);
  const bad = results.filter(
    (r) =>
      r.outcome !== CdrOutcome.CDR_OUTCOME_ACCEPTED || r.ratingStatus !== RatingStatus.RATING_STATUS_RATED,
  );
  expect(bad, 'CDRs not accepted and rated').toEqual([]);
}

const billing = () => t.client(InvoiceServiceDefinition, 'billing');

async function closeNovember(account: string): Promise<Invoice> {
  const closed = await billing().closeBillingPeriod({
    requestId: `close-${account}`,
    customerAccount: account,
    periodContaining: NOVEMBER,
    issue: true,
  });
  expect(closed.skipped, account).toEqual([]);
  expect(closed.invoices, account).toHaveLength(1);
  const invoice = closed.invoices[0]!;
  expect(invoice.status, account).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
  return invoice;
}

async function render(name: string, invoice: Invoice): Promise<void> {
  const [ubl, pdf] = await Promise.all([
    billing().renderInvoiceDocument({ invoiceId: invoice.id, format: DocumentFormat.DOCUMENT_FORMAT_UBL }),
    billing().renderInvoiceDocument({ invoiceId: invoice.id, format: DocumentFormat.DOCUMENT_FORMAT_PDF }),
  ]);
  expect(ubl.contentType, name).toBe('application/xml');
  expect(pdf.contentType, name).toBe('application/pdf');
  // As GetInvoice returns it, not as the call that made it did: what a reader of the service sees.
  const read = (await billing().getInvoice({ invoiceId: invoice.id })).invoice!;
  docs.set(name, {
    invoice: read,
    ubl: Buffer.from(ubl.content).toString('utf8'),
    pdf: Buffer.from(pdf.content),
  });
}

/** Raises the peak rate of a rate card of standard-2026-sek on disk and reloads the rules. */
async function setSekPeakRate(card: string, rate: string) {
  const file = path.join(rulesDir, 'standard-2026-sek', 'rates.json');
  const rates = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    rateCards: Record<string, { rates: { peak: { rate: string }[] } }>;
  };
  rates.rateCards[card]!.rates.peak[0]!.rate = rate;
  fs.writeFileSync(file, JSON.stringify(rates, null, 2));
  expect(await t.service.rating.reload()).toBe(true);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'einvoice-e2e-'));
  const sellerFile = path.join(dir, 'seller.json');
  fs.writeFileSync(sellerFile, JSON.stringify(VALID_SELLER));
  // A copy of the rules: the rerate case raises a price on disk.
  rulesDir = path.join(dir, 'rules');
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({
    clock: new FixedClock(NOW),
    rulesDir,
    env: { BILLING_DEMO: 'false', BILLING_SELLER_FILE: sellerFile, BILLING_CLOSE_INTERVAL_MS: '0' },
  });

  const sales = t.client(CustomerServiceDefinition, 'sales');
  for (const c of CUSTOMERS)
    await sales.upsertCustomer({ requestId: `create-${c.externalId}`, customer: c, expectedVersion: 0 });
  await sales.upsertContract({
    requestId: 'k-tier',
    contract: {
      externalId: 'k-E2E-TIER',
      customerExternalId: 'E2E-TIER',
      pricePlan: 'volume-2026',
      discountPercent: '10',
      specialPrices: [],
      includedMinutes: '30',
      billingCycle: 0,
      anchorDay: 0,
      validFrom: new Date('2026-01-01T00:00:00Z'),
      version: 0,
    },
  });

  await stream([
    // SEK: Swedish fixed (per second) and mobile (first minute in full) dial-out, peak.
    ...[0, 1, 2].map((i) => leg('E2E-SEK', DIAL_OUT, '+46812345678', peak(i * 10), 437 + i)),
    ...[0, 1].map((i) => leg('E2E-SEK', DIAL_OUT, '+46701234567', peak(40 + i * 10), 95)),
    // EUR to a Swedish buyer.
    ...[0, 1, 2, 3].map((i) => leg('E2E-EUR', DIAL_OUT, '+46812345678', peak(i * 10), 611 + i)),
    // Reverse charge: a German business calling German numbers.
    ...[0, 1].map((i) => leg('E2E-DE', DIAL_OUT, '+493012345678', peak(i * 10), 1234)),
    // Outside the EU.
    ...[0, 1].map((i) => leg('E2E-US', DIAL_OUT, '+12125551234', peak(i * 10), 905)),
    // To be re-rated after the price of Swedish mobiles goes up.
    ...[0, 1, 2].map((i) => leg('E2E-RERATE', DIAL_OUT, '+46701234567', peak(i * 10), 90)),
    // Volume plan: 20 hours of local dial-in on the tiers; mobile dial-out at the list price less
    // the contract's 10 %, of which the 30 included minutes are taken first (the dearest minutes).
    ...Array.from({ length: 20 }, (_, i) => leg('E2E-TIER', LOCAL_IN, '+46812345678', peak(i), 3600)),
    ...Array.from({ length: 10 }, (_, i) => leg('E2E-TIER', DIAL_OUT, '+46701234567', peak(30 + i), 301)),
    // 1,000 conferences of one leg each (Tuesday 10 November, 08:00-16:20 Stockholm).
    ...Array.from({ length: 1000 }, (_, i) =>
      leg(
        'E2E-CONF',
        DIAL_OUT,
        '+46812345678',
        new Date(Date.UTC(2026, 10, 10, 7, 0, 0) + i * 30_000),
        61 + (i % 50),
        `conf-${String(i + 1).padStart(4, '0')}`,
      ),
    ),
  ]);

  const sek = await closeNovember('E2E-SEK');
  await render('1 domestic SEK invoice', sek);
  await render('2 EUR invoice to a Swedish buyer', await closeNovember('E2E-EUR'));
  await render('3 intra-EU reverse charge', await closeNovember('E2E-DE'));
  await render('4 outside the EU', await closeNovember('E2E-US'));
  const credit = await billing().createCreditNote({
    requestId: 'credit-sek',
    invoiceId: sek.id,
    reason: 'Goodwill: the conference bridge dropped calls',
    lines: [],
    issue: true,
  });
  await render('5 credit note', credit.creditNote!);
  const rerated = await closeNovember('E2E-RERATE');
  await render('6a invoice before the rerate', rerated);
  await render('7 volume tiers, included minutes, discount', await closeNovember('E2E-TIER'));
  await render('8 1,000 conferences', await closeNovember('E2E-CONF'));

  // The price of Swedish mobiles goes up (1.30 -> 1.50 SEK per minute); November is re-rated.
  await setSekPeakRate('do_SE_MOBILE', '1.50');
  const r = await t.client(InvoiceServiceDefinition, 'finance').rerateCharges({
    requestId: 'rerate-nov',
    customerAccount: 'E2E-RERATE',
    period: NOVEMBER_RANGE,
    ruleSetHash: '',
    reason: '',
  });
  // The changed line is credited at the old price and invoiced again at the new one.
  const kinds = r.corrections.map((c) => c.kind);
  expect(kinds.sort()).toEqual([InvoiceKind.INVOICE_KIND_INVOICE, InvoiceKind.INVOICE_KIND_CREDIT_NOTE]);
  for (const c of r.corrections)
    await render(
      c.kind === InvoiceKind.INVOICE_KIND_INVOICE ? '6 supplementary invoice' : '6b rerate credit note',
      c,
    );
}, 240_000);

afterAll(async () => {
  await t?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const get = (name: string) => {
  const d = docs.get(name);
  if (!d) throw new Error(`no document "${name}"`);
  return d;
};

describe('documents made through the service', () => {
  const environment = einvoiceEnvironment();
  it.skipIf(environment.status === 'absent')(
    'every UBL passes the XSD, the CEN and the Peppol rules (one validation batch)',
    async () => {
      const reports = await validateEinvoices(
        Object.fromEntries([...docs].map(([name, d]) => [name, d.ubl])),
      );
      expect(Object.keys(reports)).toHaveLength(docs.size);
      for (const [name, report] of Object.entries(reports)) {
        expect(errorsOf(report), `${name} (${get(name).invoice.number})`).toEqual([]);
      }
    },
    180_000,
  );

  it('on every line of every document, quantity × price / base − allowance = net, to the cent', () => {
    for (const [name, { invoice, ubl, pdf }] of docs) {
      const where = `${name} (${invoice.number})`;
      expect(invoice.lines.length, where).toBeGreaterThan(0);
      // As the service returns it, by the domain's own rule.
      for (const l of invoice.lines) {
        const line = {
          quantity: l.quantity,
          unitPrice: l.unitPrice!.amount,
          baseQuantity: l.baseQuantity || undefined,
          allowance: l.allowance
            ? {
                percent: l.allowance.percent,
                baseAmount: l.allowance.baseAmount!.amount,
                amount: l.allowance.amount!.amount,
                reason: l.allowance.reason,
              }
            : undefined,
          netAmount: l.netAmount!.amount,
        };
        expect(lineAddsUp(line), `${where} line ${l.lineNumber}: ${JSON.stringify(line)}`).toBe(true);
      }
      // As the UBL states it, recomputed here.
      const xmlLines = ublLines(ubl);
      expect(xmlLines, where).toHaveLength(invoice.lines.length);
      for (const l of xmlLines) {
        expect(
          expectedNet(l.quantity, l.price, l.base, l.allowance).toFixed(2),
          `${where} UBL line ${l.id}: ${JSON.stringify(l)}`,
        ).toBe(l.net);
      }
      // As the PDF prints it, recomputed from the printed figures.
      const rows = pdfLineRows(pdf);
      expect(rows, `${where} PDF rows`).toHaveLength(invoice.lines.length);
      rows.forEach((row, i) => {
        const what = `${where} PDF row ${i + 1}: ${JSON.stringify(row)}`;
        expect(expectedNet(row.quantity, row.unitPrice, row.base, row.allowance).toFixed(2), what).toBe(
          row.net,
        );
        const line = invoice.lines[i]!;
        expect(new Decimal(row.net).equals(line.netAmount!.amount), what).toBe(true);
        expect(new Decimal(row.quantity).equals(line.quantity), what).toBe(true);
      });
    }
  });
});

describe('what the documents say', () => {
  const has = (xml: string, pattern: RegExp) => pattern.test(xml);

  it('the domestic invoice is in SEK with Swedish VAT and no restatement', () => {
    const { invoice, ubl } = get('1 domestic SEK invoice');
    expect(invoice.currencyCode).toBe('SEK');
    expect(invoice.accountingCurrencyVat).toBeUndefined();
    expect(invoice.vat.map((v) => [v.vatCategory, v.vatRate])).toEqual([
      [VatCategory.VAT_CATEGORY_STANDARD, '25'],
    ]);
    expect(ubl).toContain('<cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>');
    expect(ubl).not.toContain('<cbc:TaxCurrencyCode>');
    expect(ubl).toContain('<cbc:BuyerReference>REF-E2E-SEK</cbc:BuyerReference>');
    expect(ubl).toMatch(/<cbc:EndpointID schemeID="0007">5561234567<\/cbc:EndpointID>/);
  });

  it('the EUR invoice to a Swedish buyer states its VAT in SEK, with the rate and its date', () => {
    const { invoice, ubl } = get('2 EUR invoice to a Swedish buyer');
    expect(invoice.currencyCode).toBe('EUR');
    const sek = invoice.accountingCurrencyVat!;
    expect(sek.currencyCode).toBe('SEK');
    expect(sek.rate).toMatch(/^\d+\.\d+$/);
    expect(sek.rateDate).toBe('2026-12-01');
    expect(
      new Decimal(sek.vatTotal!.amount).equals(
        new Decimal(invoice.vatTotal!.amount).times(sek.rate).toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
      ),
    ).toBe(true);
    expect(ubl).toContain('<cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>');
    expect(ubl.match(/<cac:TaxTotal>/g)).toHaveLength(2);
    expect(ubl).toContain(`<cbc:TaxAmount currencyID="SEK">${sek.vatTotal!.amount}</cbc:TaxAmount>`);
  });

  it('the intra-EU invoice is reverse charged: AE, no VAT, "Omvänd betalningsskyldighet"', () => {
    const { invoice, ubl } = get('3 intra-EU reverse charge');
    expect(invoice.vat.map((v) => [v.vatCategory, v.vatRate, v.vatAmount!.amount])).toEqual([
      [VatCategory.VAT_CATEGORY_REVERSE_CHARGE, '0', '0.00'],
    ]);
    expect(invoice.vat[0]!.exemptionReason).toMatch(/Omvänd betalningsskyldighet/);
    expect(invoice.vatTotal!.amount).toBe('0.00');
    const subtotal = /<cac:TaxSubtotal>([\s\S]*?)<\/cac:TaxSubtotal>/.exec(ubl)![1]!;
    expect(subtotal).toMatch(/<cbc:ID>AE<\/cbc:ID>/);
    expect(subtotal).toContain('<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>');
    expect(subtotal).toMatch(/<cbc:TaxExemptionReason>Omvänd betalningsskyldighet/);
    expect(subtotal.match(/Omvänd betalningsskyldighet/g)).toHaveLength(1);
    expect(has(ubl, /<cac:AccountingCustomerParty>[\s\S]*<cbc:CompanyID>DE123456789<\/cbc:CompanyID>/)).toBe(
      true,
    );
  });

  it('the invoice to a business outside the EU is G, no VAT', () => {
    const { invoice, ubl } = get('4 outside the EU');
    expect(invoice.vat.map((v) => [v.vatCategory, v.vatRate, v.vatAmount!.amount])).toEqual([
      [VatCategory.VAT_CATEGORY_EXPORT, '0', '0.00'],
    ]);
    expect(ubl).toContain('<cbc:TaxExemptionReasonCode>VATEX-EU-G</cbc:TaxExemptionReasonCode>');
  });

  it('the credit note refers to the invoice it credits', () => {
    const { invoice, ubl } = get('5 credit note');
    const credited = get('1 domestic SEK invoice').invoice;
    expect(invoice.kind).toBe(InvoiceKind.INVOICE_KIND_CREDIT_NOTE);
    expect(invoice.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(invoice.creditedInvoiceNumber).toBe(credited.number);
    expect(invoice.grossTotal!.amount).toBe(`-${credited.grossTotal!.amount}`);
    expect(ubl).toMatch(/^<\?xml[^>]*>\s*<CreditNote[\s>]/);
    expect(ubl).toMatch(
      new RegExp(
        `<cac:BillingReference>\\s*<cac:InvoiceDocumentReference>\\s*<cbc:ID>${credited.number}</cbc:ID>`,
      ),
    );
  });

  it('the rerate after the price rise issues a supplementary invoice referring to the original', () => {
    const { invoice, ubl } = get('6 supplementary invoice');
    const original = get('6a invoice before the rerate').invoice;
    expect(invoice.kind).toBe(InvoiceKind.INVOICE_KIND_INVOICE);
    expect(invoice.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(invoice.supplementedInvoiceNumber).toBe(original.number);
    // The changed line is taken back at the old price by a credit note and invoiced again at the new
    // one: 3 x 90 s = 270 s at 1.30 = 5.85; at 1.50 = 6.75, VAT 1.6875 -> 1.69.
    expect(invoice.lines.map((l) => [l.quantity, l.unitPrice!.amount, l.netAmount!.amount])).toEqual([
      ['270', '1.5', '6.75'],
    ]);
    expect([invoice.netTotal!.amount, invoice.vatTotal!.amount]).toEqual(['6.75', '1.69']);
    const credit = get('6b rerate credit note');
    expect(credit.invoice.creditedInvoiceNumber).toBe(original.number);
    expect(credit.invoice.lines.map((l) => [l.quantity, l.unitPrice!.amount, l.netAmount!.amount])).toEqual([
      ['-270', '1.3', '-5.85'],
    ]);
    for (const xml of [ubl, credit.ubl])
      expect(xml).toMatch(
        new RegExp(
          `<cac:BillingReference>\\s*<cac:InvoiceDocumentReference>\\s*<cbc:ID>${original.number}</cbc:ID>`,
        ),
      );
  });

  it('the volume plan invoice has tier lines, included minutes and a line allowance', () => {
    const { invoice, ubl } = get('7 volume tiers, included minutes, discount');
    const kinds = ublLines(ubl).map((l) => l.kind);
    expect(kinds).toContain('volume_tier');
    expect(kinds).toContain('included_minutes');
    expect(invoice.lines.some((l) => /tier 1/.test(l.description))).toBe(true);
    expect(invoice.lines.some((l) => /^Included minutes/.test(l.description))).toBe(true);
    const discounted = invoice.lines.filter((l) => l.allowance);
    expect(discounted.length).toBeGreaterThan(0);
    expect(discounted.every((l) => l.allowance!.percent === '10')).toBe(true);
    expect(ubl).toMatch(/<cac:InvoiceLine>[\s\S]*?<cac:AllowanceCharge>\s*<cbc:ChargeIndicator>false/);
  });

  it('the conference-grouped invoice has a line per conference, at least 1,000', () => {
    const { invoice, ubl } = get('8 1,000 conferences');
    expect(invoice.lines.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(invoice.lines.map((l) => l.group)).size).toBeGreaterThanOrEqual(1000);
    expect(ublLines(ubl).length).toBe(invoice.lines.length);
  });

  it('a full credit of the invoice with a negative included-minutes line, made as a draft, is issued later', async () => {
    const { invoice } = get('7 volume tiers, included minutes, discount');
    expect(invoice.lines.some((l) => l.netAmount!.amount.startsWith('-'))).toBe(true);
    const draft = (
      await billing().createCreditNote({
        requestId: 'credit-tier',
        invoiceId: invoice.id,
        reason: 'Wrong plan',
        lines: [],
        issue: false,
      })
    ).creditNote!;
    const issued = (
      await billing().issueInvoice({ requestId: 'issue-credit-tier', invoiceId: draft.id, issueDate: '' })
    ).invoice!;
    expect(issued.status).toBe(InvoiceStatus.INVOICE_STATUS_ISSUED);
    expect(issued.netTotal!.amount).toBe(`-${invoice.netTotal!.amount}`);
  });
});
