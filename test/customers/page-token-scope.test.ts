/** Page tokens are bound to their list and filter: another list's token (whose key may not even be an instant) or another customer's is refused, never INTERNAL nor a skipped page. */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerServiceDefinition, type Customer } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { startTestService, type TestService } from '../support/test-service';
import { plainContract } from '../support/customers';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

function customer(externalId: string, name: string): Customer {
  return {
    externalId,
    name,
    billingAddress: { lines: ['Sveavägen 1'], postalCode: '111 57', city: 'Stockholm', countryCode: 'SE' },
    email: '',
    vatNumber: '',
    countryCode: 'SE',
    currencyCode: 'SEK',
    timeZone: 'Europe/Stockholm',
    paymentTermsDays: 30,
    registrationNumber: '',
    buyerReference: '',
    invoiceLineGrouping: 0,
    callSpecification: false,
    orderReference: '',
    version: 0,
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return Status[(e as { code: Status }).code] + ' ' + (e as Error).message;
  }
}

describe('page tokens across lists', () => {
  it('a ListCustomers token handed to ListInvoices is refused, not INTERNAL', async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    for (const [id, name] of [
      ['tok-a', 'Acme 1'],
      ['tok-b', 'Acme 2'],
    ] as const)
      await sales.upsertCustomer({ requestId: `r-${id}`, customer: customer(id, name), expectedVersion: 0 });
    const page = await sales.listCustomers({ query: 'Acme', pageSize: 1, pageToken: '' });
    expect(page.nextPageToken).not.toBe('');
    const invoices = t.client(InvoiceServiceDefinition, 'sales');
    const got = await codeOf(
      invoices.listInvoices({
        pageSize: 10,
        pageToken: page.nextPageToken,
        customerAccount: '',
        status: 0,
        kind: 0,
      }),
    );
    expect(got).toMatch(/^INVALID_ARGUMENT/);
  });

  it("a ListContracts token of one customer is refused on another customer's list", async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    for (const id of ['tok-c', 'tok-d'])
      await sales.upsertCustomer({
        requestId: `r-${id}`,
        customer: customer(id, `Cust ${id}`),
        expectedVersion: 0,
      });
    for (const [i, from] of ['2026-03-01', '2026-02-01', '2026-01-01'].entries()) {
      await sales.upsertContract({
        requestId: `rc-c-${i}`,
        contract: plainContract('tok-c', {
          externalId: `c-c-${i}`,
          validFrom: new Date(`${from}T00:00:00Z`),
        }),
        expectedVersion: 0,
      });
      await sales.upsertContract({
        requestId: `rc-d-${i}`,
        contract: plainContract('tok-d', {
          externalId: `c-d-${i}`,
          validFrom: new Date(`${from}T00:00:00Z`),
        }),
        expectedVersion: 0,
      });
    }
    const first = await sales.listContracts({ customerExternalId: 'tok-c', pageSize: 1, pageToken: '' });
    const other = await codeOf(
      sales.listContracts({ customerExternalId: 'tok-d', pageSize: 10, pageToken: first.nextPageToken }),
    );
    expect(other).toMatch(/^INVALID_ARGUMENT/);
    // a ListCustomers token ("Acme 1" parses as a date in V8) handed to ListContracts
    const cust = await sales.listCustomers({ query: 'Acme', pageSize: 1, pageToken: '' });
    const cross = await codeOf(
      sales.listContracts({ customerExternalId: 'tok-c', pageSize: 10, pageToken: cust.nextPageToken }),
    );
    expect(cross).toMatch(/^INVALID_ARGUMENT/);
  });

  it('a ListCustomers token handed to ListRuleSets is refused, not INTERNAL', async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    const page = await sales.listCustomers({ query: 'Acme', pageSize: 1, pageToken: '' });
    expect(page.nextPageToken).not.toBe('');
    const got = await codeOf(
      t
        .client(RatingServiceDefinition, 'billing')
        .listRuleSets({ pageSize: 10, pageToken: page.nextPageToken }),
    );
    expect(got).toMatch(/^INVALID_ARGUMENT/);
  });
});
