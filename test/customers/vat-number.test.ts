/** UpsertCustomer refuses a VAT number that reverse charge could not rest on, naming the field. */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerServiceDefinition, InvoiceLineGrouping } from '../../src/gen/billing/v1/customer_service';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

const customer = (externalId: string, countryCode: string, vatNumber: string) => ({
  externalId,
  name: `Customer ${externalId}`,
  billingAddress: { lines: ['Hauptstraße 1'], postalCode: '10115', city: 'Berlin', countryCode },
  email: '',
  vatNumber,
  countryCode,
  currencyCode: 'EUR',
  timeZone: 'Europe/Berlin',
  paymentTermsDays: 30,
  registrationNumber: '',
  buyerReference: '',
  orderReference: '',
  invoiceLineGrouping: InvoiceLineGrouping.INVOICE_LINE_GROUPING_UNSPECIFIED,
  callSpecification: false,
  version: 0,
});

describe('a buyer VAT number', () => {
  it('in another state format is refused with the field and the reason; nothing is stored', async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    const e = await expectStatus(
      sales.upsertCustomer({ requestId: 'vat-1', customer: customer('de-typo', 'DE', 'DE12345678') }),
      Status.INVALID_ARGUMENT,
    );
    expect(e.details).toMatch(/vat_number/);
    await expectStatus(sales.getCustomer({ externalId: 'de-typo' }), Status.NOT_FOUND);
  });

  it('in the state format is stored; outside the EU any number is the buyer own business', async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    const de = await sales.upsertCustomer({
      requestId: 'vat-2',
      customer: customer('de-ok', 'DE', 'DE123456789'),
    });
    expect(de.customer!.vatNumber).toBe('DE123456789');
    const us = await sales.upsertCustomer({
      requestId: 'vat-3',
      customer: customer('us-ok', 'US', '12-3456789'),
    });
    expect(us.created).toBe(true);
  });
});

describe('an invoice line grouping', () => {
  it('this version does not know is refused, naming the field', async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    const e = await expectStatus(
      sales.upsertCustomer({
        requestId: 'grouping-1',
        customer: { ...customer('grouping-x', 'US', ''), invoiceLineGrouping: 7 as InvoiceLineGrouping },
      }),
      Status.INVALID_ARGUMENT,
    );
    expect(e.details).toMatch(/invoice_line_grouping/);
  });
});
