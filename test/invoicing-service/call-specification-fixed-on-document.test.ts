/**
 * Whether a document carries a call specification is decided when it is built (the draft, at
 * close) and kept on it: an issued invoice renders the same PDF and e-invoice, byte for byte,
 * after sales turns the customer's `call_specification` on or off, so the customer's copy, the
 * archive's and a re-sent one stay the same document. Credit notes never carry one.
 *
 * Prices (rules/standard-2026, peak Mon-Fri 08-18 Stockholm time): dial-out SE 0.06/min per second.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import type { Cdr } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition, type Customer } from '../../src/gen/billing/v1/customer_service';
import {
  DocumentFormat,
  InvoiceServiceDefinition,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { pdfTexts } from '../einvoice/support';
import { answeredCall } from '../support/answered-call';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

// The service's "now": invoices issued here are numbered in 2026, whatever day the suite runs on.
const NOW = new Date('2026-11-28T12:00:00Z');
const OCTOBER_DAY = new Date('2026-10-15T12:00:00Z');

let t: TestService;

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW), env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['ON', 'OFF', 'DRAFTON']);
  // ON also gets an e-invoice (a Peppol address), whose embedded PDF must not change either.
  await updateCustomer('ON', {
    callSpecification: true,
    electronicAddress: { scheme: '0007', id: '5560000001' },
  });
  await updateCustomer('DRAFTON', { callSpecification: true });
  await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
    requestId: 'fixed-spec-submit',
    cdrs: [...calls('ON'), ...calls('OFF'), ...calls('DRAFTON')],
  });
});
afterAll(async () => {
  await t?.stop();
});

const billing = () => t.client(InvoiceServiceDefinition, 'billing');

/** What sales does: the customer as stored, with `changes`, at its current version. */
async function updateCustomer(account: string, changes: Partial<Customer>): Promise<void> {
  const { customer } = await t
    .client(CustomerServiceDefinition, 'billing')
    .getCustomer({ externalId: account });
  await t.client(CustomerServiceDefinition, 'sales').upsertCustomer({
    requestId: `update-${account}-${customer!.version}`,
    expectedVersion: customer!.version,
    customer: { ...customer!, ...changes },
  });
}

const setCallSpecification = (account: string, on: boolean) =>
  updateCustomer(account, { callSpecification: on });

let n = 0;
/** Two 600 s peak calls to a Swedish fixed number on Tue 6 Oct 2026, 11:00 local. */
function calls(account: string): Cdr[] {
  return [0, 1].map((i) => {
    n += 1;
    return answeredCall({
      bridgeId: 'bridge',
      recordId: `fixed-spec-${n}`,
      conferenceId: `fixed-spec-conf-${n}`,
      customerAccount: account,
      calledNumber: '+46812345678',
      start: `2026-10-06T09:${i}0:00Z`,
      seconds: 600,
    });
  });
}

async function close(account: string, issue: boolean): Promise<Invoice> {
  const closed = await billing().closeBillingPeriod({
    requestId: `fixed-spec-close-${account}`,
    customerAccount: account,
    periodContaining: OCTOBER_DAY,
    issue,
  });
  return closed.invoices[0]!;
}

async function render(invoiceId: string, format = DocumentFormat.DOCUMENT_FORMAT_PDF): Promise<Buffer> {
  return Buffer.from((await billing().renderInvoiceDocument({ invoiceId, format })).content);
}

/** The appendix as printed (its heading, count, column titles and cells); [] without one. */
function appendixOf(pdf: Buffer): string[] {
  const texts = pdfTexts(pdf).map((x) => x.text);
  const start = texts.findIndex((s) => s.startsWith('Call specification'));
  return start < 0 ? [] : texts.slice(start);
}

describe('the call specification is fixed on the document', () => {
  it('an issued invoice keeps its appendix, same bytes, after the customer turns it off', async () => {
    const invoice = await close('ON', true);
    const pdf = await render(invoice.id);
    const ubl = await render(invoice.id, DocumentFormat.DOCUMENT_FORMAT_UBL);
    expect(appendixOf(pdf)[0]).toMatch(/^Call specification/);
    expect(appendixOf(pdf)).toContain(
      '2 calls. Numbers are shown without their last digits. Amounts in EUR, as each call was rated.',
    );

    await setCallSpecification('ON', false);
    const again = await render(invoice.id);
    expect(appendixOf(again)).toEqual(appendixOf(pdf));
    expect(again.equals(pdf)).toBe(true);
    expect((await render(invoice.id, DocumentFormat.DOCUMENT_FORMAT_UBL)).equals(ubl)).toBe(true);
  });

  it('an issued invoice without one gets none after the customer turns it on; nor does its credit note', async () => {
    const invoice = await close('OFF', true);
    const pdf = await render(invoice.id);
    expect(appendixOf(pdf)).toEqual([]);

    await setCallSpecification('OFF', true);
    expect((await render(invoice.id)).equals(pdf)).toBe(true);
    const { creditNote } = await billing().createCreditNote({
      requestId: 'fixed-spec-credit-OFF',
      invoiceId: invoice.id,
      reason: 'credited in full',
      lines: [],
      issue: true,
    });
    expect(appendixOf(await render(creditNote!.id))).toEqual([]);
  });

  it('a draft keeps the choice made when it was built, and is issued with it', async () => {
    const draft = await close('DRAFTON', false);
    const preview = appendixOf(await render(draft.id));
    expect(preview[0]).toMatch(/^Call specification/);

    await setCallSpecification('DRAFTON', false);
    expect(appendixOf(await render(draft.id))).toEqual(preview);
    const { invoice } = await billing().issueInvoice({
      requestId: 'fixed-spec-issue-DRAFTON',
      invoiceId: draft.id,
      issueDate: '2026-11-28',
    });
    const issued = await render(invoice!.id);
    // The same appendix, headed by the number instead of DRAFT.
    expect(appendixOf(issued).map((s) => s.replace(invoice!.number, 'DRAFT'))).toEqual(preview);
    await setCallSpecification('DRAFTON', true);
    await setCallSpecification('DRAFTON', false);
    expect((await render(invoice!.id)).equals(issued)).toBe(true);
  });
});
