/**
 * common.proto: "A retry with the same request_id returns the first call's result ... Reusing a
 * request_id with a different request fails with FAILED_PRECONDITION." Checked over the real socket
 * for every mutating RPC that takes a request id (SubmitCdrs has its own tests).
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import {
  BookingServiceDefinition,
  BookingStatus,
  type Booking,
} from '../../src/gen/billing/v1/booking_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceKind, InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { expectStatus } from '../support/expect-status';
import { createCustomers, plainContract } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges } from '../invoicing-service/support';

// Europe/Stockholm: October 2026 has ended at NOW, November is open.
const NOW = new Date('2026-11-28T12:00:00Z');
const OCTOBER = new Date('2026-10-15T12:00:00Z');
const NOVEMBER = { startTime: new Date('2026-10-31T23:00:00Z'), endTime: new Date('2026-11-30T23:00:00Z') };

let t: TestService;
const sales = () => t.client(CustomerServiceDefinition, 'sales');
const billing = () => t.client(InvoiceServiceDefinition, 'billing');
const finance = () => t.client(InvoiceServiceDefinition, 'finance');
const reservations = () => t.client(BookingServiceDefinition, 'reservations');

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW) });
  await createCustomers(sales(), ['IDEM']);
  await insertCharges(t.service.database, [
    { account: 'IDEM', start: '2026-10-05T09:00:00Z', seconds: 600, amount: '1.50', currency: 'EUR' },
    { account: 'IDEM', start: '2026-10-06T09:00:00Z', seconds: 300, amount: '0.75', currency: 'EUR' },
  ]);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

/** The reuse is refused with FAILED_PRECONDITION, and the message names the request id. */
async function expectReuseRefused(call: Promise<unknown>, requestId: string): Promise<void> {
  const error = await expectStatus(call, Status.FAILED_PRECONDITION);
  expect(error.details).toContain(JSON.stringify(requestId));
  expect(error.details).toMatch(/already used for a different/);
}

describe('CustomerService', () => {
  it('UpsertCustomer: same body answers the first result, a different body is refused', async () => {
    const body = (name: string) => ({
      externalId: 'IDEM-C',
      name,
      billingAddress: { lines: ['Sveavägen 1'], postalCode: '111 57', city: 'Stockholm', countryCode: 'SE' },
      email: '',
      vatNumber: '',
      countryCode: 'SE',
      currencyCode: 'EUR',
      timeZone: 'Europe/Stockholm',
      paymentTermsDays: 30,
      registrationNumber: '',
      version: 0,
    });
    const first = await sales().upsertCustomer({ requestId: 'uc-1', customer: body('First AB') });
    expect(await sales().upsertCustomer({ requestId: 'uc-1', customer: body('First AB') })).toEqual(first);
    await expectReuseRefused(
      sales().upsertCustomer({ requestId: 'uc-1', customer: body('Second AB') }),
      'uc-1',
    );
    expect((await sales().getCustomer({ externalId: 'IDEM-C' })).customer!.name).toBe('First AB');
  });

  it('UpsertContract: same body answers the first result, a different body is refused', async () => {
    const body = (discountPercent: string) =>
      plainContract('IDEM', { externalId: 'IDEM-K', discountPercent });
    const first = await sales().upsertContract({ requestId: 'uk-1', contract: body('5') });
    expect(await sales().upsertContract({ requestId: 'uk-1', contract: body('5') })).toEqual(first);
    await expectReuseRefused(sales().upsertContract({ requestId: 'uk-1', contract: body('7') }), 'uk-1');
  });
});

describe('BookingService', () => {
  const booking = (title: string): Booking => ({
    id: '',
    externalReference: '',
    customerAccount: 'IDEM',
    bridgeId: 'bridge-idem',
    title,
    // Far ahead of any clock the booking use cases read.
    scheduledStart: new Date('2030-01-10T09:00:00Z'),
    expectedDurationSeconds: 3600,
    timeZone: '',
    expectedParticipants: 3,
    dialOutNumbers: [],
    features: [],
    hostCode: '',
    participantCode: '',
    status: BookingStatus.BOOKING_STATUS_UNSPECIFIED,
    cancelReason: '',
    version: 0,
  });

  it('CreateBooking, UpdateBooking and CancelBooking: same body answers the first result, a different body is refused', async () => {
    const created = await reservations().createBooking({ requestId: 'bc-1', booking: booking('Board call') });
    expect(await reservations().createBooking({ requestId: 'bc-1', booking: booking('Board call') })).toEqual(
      created,
    );
    await expectReuseRefused(
      reservations().createBooking({ requestId: 'bc-1', booking: booking('Other call') }),
      'bc-1',
    );

    const id = created.booking!.id;
    const updated = await reservations().updateBooking({
      requestId: 'bu-1',
      booking: { ...booking('Board call, moved'), id },
      expectedVersion: 1,
    });
    expect(
      await reservations().updateBooking({
        requestId: 'bu-1',
        booking: { ...booking('Board call, moved'), id },
        expectedVersion: 1,
      }),
    ).toEqual(updated);
    await expectReuseRefused(
      reservations().updateBooking({
        requestId: 'bu-1',
        booking: { ...booking('Board call, again'), id },
        expectedVersion: 2,
      }),
      'bu-1',
    );

    const cancelled = await reservations().cancelBooking({
      requestId: 'bx-1',
      bookingId: id,
      reason: 'postponed',
      expectedVersion: 0,
    });
    expect(
      await reservations().cancelBooking({
        requestId: 'bx-1',
        bookingId: id,
        reason: 'postponed',
        expectedVersion: 0,
      }),
    ).toEqual(cancelled);
    await expectReuseRefused(
      reservations().cancelBooking({
        requestId: 'bx-1',
        bookingId: id,
        reason: 'called off',
        expectedVersion: 0,
      }),
      'bx-1',
    );
  });
});

describe('InvoiceService', () => {
  let invoiceId = '';

  it('CloseBillingPeriod: a retry answers the first result without closing more; a different body is refused', async () => {
    const request = { requestId: 'close-1', customerAccount: '', periodContaining: OCTOBER, issue: false };
    const first = await billing().closeBillingPeriod(request);
    expect(first.invoices.map((i) => i.customerAccount)).toEqual(['IDEM']);
    invoiceId = first.invoices[0]!.id;

    // A customer with charges in the period, created after the first close: a retry must not close it
    // (the effect is not repeated), while a new request id does.
    await createCustomers(sales(), ['IDEM-LATE']);
    await insertCharges(t.service.database, [
      { account: 'IDEM-LATE', start: '2026-10-20T09:00:00Z', seconds: 60, amount: '0.20', currency: 'EUR' },
    ]);
    expect(await billing().closeBillingPeriod(request)).toEqual(first);
    await expectReuseRefused(billing().closeBillingPeriod({ ...request, issue: true }), 'close-1');
    await expectReuseRefused(
      billing().closeBillingPeriod({ ...request, customerAccount: 'IDEM-LATE' }),
      'close-1',
    );
    const fresh = await billing().closeBillingPeriod({ ...request, requestId: 'close-2' });
    expect(fresh.invoices.map((i) => i.customerAccount).sort()).toEqual(['IDEM', 'IDEM-LATE']);
  });

  it('CloseBillingPeriod: a call that failed leaves its request id free for the corrected request', async () => {
    await expectStatus(
      billing().closeBillingPeriod({
        requestId: 'close-3',
        customerAccount: 'NOBODY',
        periodContaining: OCTOBER,
        issue: false,
      }),
      Status.NOT_FOUND,
    );
    const corrected = await billing().closeBillingPeriod({
      requestId: 'close-3',
      customerAccount: 'IDEM',
      periodContaining: OCTOBER,
      issue: false,
    });
    expect(corrected.invoices.map((i) => i.id)).toEqual([invoiceId]);
  });

  it('IssueInvoice: same body answers the first result, a different body is refused', async () => {
    const first = await billing().issueInvoice({ requestId: 'issue-1', invoiceId, issueDate: '2026-11-28' });
    expect(first.invoice!.number).toMatch(/^INV-2026-/);
    expect(
      await billing().issueInvoice({ requestId: 'issue-1', invoiceId, issueDate: '2026-11-28' }),
    ).toEqual(first);
    await expectReuseRefused(
      billing().issueInvoice({ requestId: 'issue-1', invoiceId, issueDate: '2026-11-27' }),
      'issue-1',
    );
  });

  it('CreateCreditNote: same body answers the first result, a different body is refused', async () => {
    const request = {
      requestId: 'cn-1',
      invoiceId,
      reason: 'Goodwill',
      lines: [{ lineNumber: 1, quantity: '1' }],
      issue: false,
    };
    const first = await billing().createCreditNote(request);
    expect(await billing().createCreditNote(request)).toEqual(first);
    await expectReuseRefused(billing().createCreditNote({ ...request, reason: 'Another goodwill' }), 'cn-1');
    const notes = await billing().listInvoices({
      customerAccount: 'IDEM',
      kind: InvoiceKind.INVOICE_KIND_CREDIT_NOTE,
      pageSize: 50,
      pageToken: '',
      status: 0,
    });
    expect(notes.invoices.map((n) => n.id)).toEqual([first.creditNote!.id]);
  });

  it('RerateCharges: same body answers the first result, a different body is refused', async () => {
    const request = {
      requestId: 'rr-1',
      customerAccount: 'IDEM',
      period: NOVEMBER,
      ruleSetHash: '',
      reason: '',
    };
    const first = await finance().rerateCharges(request);
    expect(await finance().rerateCharges(request)).toEqual(first);
    await expectReuseRefused(finance().rerateCharges({ ...request, reason: 'Price fix' }), 'rr-1');
  });
});
