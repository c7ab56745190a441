/**
 * The sales system's view over a real socket: customers upserted by external id (idempotent,
 * versioned), searched and paged; contracts validated and listed latest first; roles enforced.
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessType } from '../../src/gen/billing/v1/common';
import {
  CustomerServiceDefinition,
  InvoiceLineGrouping,
  type Contract,
  type Customer,
} from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { PostgresCustomerDirectory } from '../../src/persistence/customer-directory';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

const sales = () => t.client(CustomerServiceDefinition, 'sales');

function customer(externalId: string, overrides: Partial<Customer> = {}): Customer {
  return {
    externalId,
    name: `Customer ${externalId}`,
    billingAddress: { lines: ['Sveavägen 1'], postalCode: '111 57', city: 'Stockholm', countryCode: 'SE' },
    email: 'invoices@example.se',
    vatNumber: 'SE556677889901',
    countryCode: 'SE',
    currencyCode: 'SEK',
    timeZone: 'Europe/Stockholm',
    paymentTermsDays: 30,
    registrationNumber: '556677-8899',
    buyerReference: '',
    invoiceLineGrouping: InvoiceLineGrouping.INVOICE_LINE_GROUPING_UNSPECIFIED,
    callSpecification: false,
    orderReference: '',
    version: 0,
    ...overrides,
  };
}

function contract(
  externalId: string,
  customerExternalId: string,
  validFrom: string,
  overrides: Partial<Contract> = {},
): Contract {
  return {
    externalId,
    customerExternalId,
    // A plan the live rules know (UpsertContract refuses unknown plans; see test/contract/price-plans.test.ts).
    pricePlan: 'enterprise',
    discountPercent: '10',
    specialPrices: [
      {
        accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
        zone: 'SE-mobile',
        ratePerMinute: { currencyCode: 'SEK', amount: '0.12' },
      },
    ],
    includedMinutes: '100',
    minimumCommitment: { currencyCode: 'SEK', amount: '500.00' },
    billingCycle: 0,
    anchorDay: 0,
    validFrom: new Date(validFrom),
    version: 0,
    ...overrides,
  };
}

describe('UpsertCustomer', () => {
  it('upserting the same external id twice gives one customer, and unchanged content keeps the version', async () => {
    const first = await sales().upsertCustomer({ requestId: 'c1-a', customer: customer('C1') });
    expect(first).toMatchObject({ created: true, changed: true, customer: { externalId: 'C1', version: 1 } });
    const second = await sales().upsertCustomer({ requestId: 'c1-b', customer: customer('C1') });
    expect(second).toMatchObject({
      created: false,
      changed: false,
      customer: { externalId: 'C1', version: 1 },
    });
    const page = await sales().listCustomers({ query: 'C1' });
    expect(page.customers.filter((c) => c.externalId === 'C1')).toHaveLength(1);
    const got = await t.client(CustomerServiceDefinition, 'billing').getCustomer({ externalId: 'C1' });
    expect(got.customer).toMatchObject({
      name: 'Customer C1',
      currencyCode: 'SEK',
      billingAddress: { city: 'Stockholm' },
    });
  });

  it('a changed address bumps the version and keeps the old version', async () => {
    await sales().upsertCustomer({ requestId: 'c2-a', customer: customer('C2') });
    const moved = await sales().upsertCustomer({
      requestId: 'c2-b',
      customer: customer('C2', {
        billingAddress: {
          lines: ['Kungsgatan 5'],
          postalCode: '111 43',
          city: 'Stockholm',
          countryCode: 'SE',
        },
      }),
    });
    expect(moved).toMatchObject({
      created: false,
      changed: true,
      customer: { version: 2, billingAddress: { lines: ['Kungsgatan 5'] } },
    });
    const knex = t.service.database.orm.em.getKnex();
    const { rows: versions } = await knex.raw<{
      rows: { version: number; snapshot: { billingAddress: { lines: string[] } } }[];
    }>(
      `select v.version, v.snapshot from customer_versions v join customers c on c.id = v.customer_id where c.external_id = ? order by v.version`,
      ['C2'],
    );
    expect(versions.map((v) => [v.version, v.snapshot.billingAddress.lines[0]])).toEqual([
      [1, 'Sveavägen 1'],
      [2, 'Kungsgatan 5'],
    ]);
  });

  it('refuses bad fields with INVALID_ARGUMENT naming each one', async () => {
    const error = await expectStatus(
      sales().upsertCustomer({
        requestId: 'bad-1',
        customer: customer('BAD', {
          name: ' ',
          currencyCode: 'SEKK',
          timeZone: 'Mars/Olympus',
          countryCode: 'XX',
        }),
      }),
      Status.INVALID_ARGUMENT,
    );
    for (const field of [
      'customer.name',
      'customer.currency_code',
      'customer.time_zone',
      'customer.country_code',
    ])
      expect(error.details).toContain(field);
    await expectStatus(
      sales().upsertCustomer({ requestId: '', customer: customer('BAD') }),
      Status.INVALID_ARGUMENT,
    );
  });

  it('refuses zone names the database would read differently or not at all, and stores nothing', async () => {
    // ICU takes each of these as a zone. PostgreSQL reads "IST" as Israel time (India for ICU),
    // "CET" without summer time, and does not know "AET" or "US/Pacific-New": running totals would
    // be dated on other days than the invoice's, or ingest of the customer's calls would fail.
    for (const timeZone of ['IST', 'CET', 'AET', 'US/Pacific-New']) {
      const error = await expectStatus(
        sales().upsertCustomer({ requestId: `zone-${timeZone}`, customer: customer('ZONE', { timeZone }) }),
        Status.INVALID_ARGUMENT,
      );
      expect(error.details).toContain('customer.time_zone');
      expect(error.details).toContain(timeZone);
    }
    await expectStatus(sales().getCustomer({ externalId: 'ZONE' }), Status.NOT_FOUND);
    const utc = await sales().upsertCustomer({
      requestId: 'zone-utc',
      customer: customer('ZONE', { timeZone: 'UTC' }),
    });
    expect(utc.customer?.timeZone).toBe('UTC');
    const etc = await sales().upsertCustomer({
      requestId: 'zone-etc',
      customer: customer('ZONE', { timeZone: 'Etc/GMT-1' }),
      expectedVersion: utc.customer!.version,
    });
    expect(etc.customer?.timeZone).toBe('Etc/GMT-1');
  });

  it('stores the Peppol address and the buyer and order references, and checks them', async () => {
    const peppol = {
      electronicAddress: { scheme: '0007', id: '5561234567' },
      buyerReference: 'Kostnadsställe 4711',
      orderReference: 'PO-2026-17',
    };
    const stored = await sales().upsertCustomer({ requestId: 'p1-a', customer: customer('P1', peppol) });
    expect(stored.customer).toMatchObject({ ...peppol, version: 1 });
    const again = await sales().upsertCustomer({ requestId: 'p1-b', customer: customer('P1', peppol) });
    expect(again).toMatchObject({ changed: false, customer: { version: 1 } });
    const got = await t.client(CustomerServiceDefinition, 'billing').getCustomer({ externalId: 'P1' });
    expect(got.customer).toMatchObject(peppol);
    const cleared = await sales().upsertCustomer({ requestId: 'p1-c', customer: customer('P1') });
    expect(cleared.customer).toMatchObject({ version: 2, buyerReference: '', orderReference: '' });
    expect(cleared.customer!.electronicAddress).toBeUndefined();

    const bad = async (overrides: Partial<Customer>, field: string) => {
      const error = await expectStatus(
        sales().upsertCustomer({
          requestId: `bad-${field}-${JSON.stringify(overrides)}`,
          customer: customer('P2', overrides),
        }),
        Status.INVALID_ARGUMENT,
      );
      expect(error.details).toContain(field);
    };
    await bad({ electronicAddress: { scheme: '7', id: '5561234567' } }, 'customer.electronic_address.scheme');
    await bad({ electronicAddress: { scheme: '0007', id: '556123-4567' } }, 'customer.electronic_address.id');
    await bad({ electronicAddress: { scheme: '0007', id: '5561234568' } }, 'customer.electronic_address.id');
    await bad({ electronicAddress: { scheme: '0088', id: '' } }, 'customer.electronic_address.id');
    await bad(
      { electronicAddress: { scheme: '0088', id: 'x'.repeat(51) } },
      'customer.electronic_address.id',
    );
    await bad({ buyerReference: 'r'.repeat(101) }, 'customer.buyer_reference');
    await bad({ orderReference: ' PO-1' }, 'customer.order_reference');
  });

  it('answers a retried request id with the first result, and refuses it for a different request', async () => {
    const first = await sales().upsertCustomer({ requestId: 'retry-1', customer: customer('C3') });
    await sales().upsertCustomer({ requestId: 'retry-2', customer: customer('C3', { name: 'Renamed' }) });
    const retried = await sales().upsertCustomer({ requestId: 'retry-1', customer: customer('C3') });
    expect(retried).toEqual(first);
    const error = await expectStatus(
      sales().upsertCustomer({ requestId: 'retry-1', customer: customer('C3', { name: 'Other' }) }),
      Status.FAILED_PRECONDITION,
    );
    expect(error.details).toContain('already used for a different');
  });

  it('a stale expected_version is ABORTED', async () => {
    await sales().upsertCustomer({ requestId: 'v-1', customer: customer('C4') });
    await expectStatus(
      sales().upsertCustomer({
        requestId: 'v-2',
        customer: customer('C4', { name: 'X' }),
        expectedVersion: 7,
      }),
      Status.ABORTED,
    );
    const ok = await sales().upsertCustomer({
      requestId: 'v-3',
      customer: customer('C4', { name: 'X' }),
      expectedVersion: 1,
    });
    expect(ok.customer!.version).toBe(2);
  });

  it('GetCustomer of an unknown id is NOT_FOUND', async () => {
    await expectStatus(sales().getCustomer({ externalId: 'nobody' }), Status.NOT_FOUND);
  });
});

describe('ListCustomers', () => {
  it('pages by name with opaque tokens and searches name or external id', async () => {
    for (const [id, name] of [
      ['P-1', 'Pagination Alpha'],
      ['P-2', 'Pagination Beta'],
      ['P-3', 'Pagination Gamma'],
    ]) {
      await sales().upsertCustomer({ requestId: `p-${id}`, customer: customer(id!, { name: name! }) });
    }
    const first = await sales().listCustomers({ query: 'pagination', pageSize: 2 });
    expect(first.customers.map((c) => c.externalId)).toEqual(['P-1', 'P-2']);
    expect(first.nextPageToken).not.toBe('');
    const second = await sales().listCustomers({
      query: 'pagination',
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    expect(second.customers.map((c) => c.externalId)).toEqual(['P-3']);
    expect(second.nextPageToken).toBe('');
    const byId = await sales().listCustomers({ query: 'p-2' });
    expect(byId.customers.map((c) => c.externalId)).toEqual(['P-2']);
    await expectStatus(sales().listCustomers({ pageToken: 'garbage!' }), Status.INVALID_ARGUMENT);
  });
});

describe('contracts', () => {
  it('needs an existing customer', async () => {
    const error = await expectStatus(
      sales().upsertContract({
        requestId: 'k-0',
        contract: contract('K0', 'NO-SUCH', '2026-01-01T00:00:00Z'),
      }),
      Status.FAILED_PRECONDITION,
    );
    expect(error.details).toContain('NO-SUCH');
  });

  it('validates period, discount and special prices', async () => {
    await sales().upsertCustomer({ requestId: 'k-cust', customer: customer('K-CUST') });
    const bad = await expectStatus(
      sales().upsertContract({
        requestId: 'k-bad',
        contract: contract('K-BAD', 'K-CUST', '2026-02-01T00:00:00Z', {
          validTo: new Date('2026-01-01T00:00:00Z'),
          discountPercent: '150',
          specialPrices: [
            {
              accessType: AccessType.ACCESS_TYPE_UNSPECIFIED,
              zone: '',
              ratePerMinute: { currencyCode: 'SEK', amount: '1e3' },
            },
          ],
        }),
      }),
      Status.INVALID_ARGUMENT,
    );
    for (const field of [
      'contract.valid_to',
      'contract.discount_percent',
      'special_prices[0].access_type',
      'special_prices[0].rate_per_minute.amount',
    ]) {
      expect(bad.details).toContain(field);
    }
    const currency = await expectStatus(
      sales().upsertContract({
        requestId: 'k-eur',
        contract: contract('K-EUR', 'K-CUST', '2026-02-01T00:00:00Z', {
          minimumCommitment: { currencyCode: 'EUR', amount: '1' },
        }),
      }),
      Status.INVALID_ARGUMENT,
    );
    expect(currency.details).toContain("customer's currency SEK");
  });

  it('are listed latest first, with page tokens, and upserts are idempotent and versioned', async () => {
    await sales().upsertCustomer({ requestId: 'l-cust', customer: customer('L-CUST') });
    await sales().upsertContract({
      requestId: 'l-1',
      contract: contract('L-2024', 'L-CUST', '2024-01-01T00:00:00Z', {
        validTo: new Date('2025-01-01T00:00:00Z'),
      }),
    });
    await sales().upsertContract({
      requestId: 'l-2',
      contract: contract('L-2026', 'L-CUST', '2026-01-01T00:00:00Z'),
    });
    const created = await sales().upsertContract({
      requestId: 'l-3',
      contract: contract('L-2025', 'L-CUST', '2025-01-01T00:00:00Z', {
        validTo: new Date('2026-01-01T00:00:00Z'),
      }),
    });
    expect(created).toMatchObject({
      created: true,
      changed: true,
      contract: { version: 1, discountPercent: '10', includedMinutes: '100' },
    });
    const same = await sales().upsertContract({
      requestId: 'l-4',
      contract: contract('L-2025', 'L-CUST', '2025-01-01T00:00:00Z', {
        validTo: new Date('2026-01-01T00:00:00Z'),
        discountPercent: '10.0',
      }),
    });
    expect(same).toMatchObject({ created: false, changed: false, contract: { version: 1 } });
    const changed = await sales().upsertContract({
      requestId: 'l-5',
      contract: contract('L-2025', 'L-CUST', '2025-01-01T00:00:00Z', {
        validTo: new Date('2026-01-01T00:00:00Z'),
        discountPercent: '12.5',
      }),
    });
    expect(changed).toMatchObject({ changed: true, contract: { version: 2, discountPercent: '12.5' } });

    const billing = t.client(CustomerServiceDefinition, 'billing');
    const first = await billing.listContracts({ customerExternalId: 'L-CUST', pageSize: 2 });
    const second = await billing.listContracts({
      customerExternalId: 'L-CUST',
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    expect([...first.contracts, ...second.contracts].map((c) => c.externalId)).toEqual([
      'L-2026',
      'L-2025',
      'L-2024',
    ]);
    expect(second.nextPageToken).toBe('');
    expect(first.contracts[0]).toMatchObject({
      minimumCommitment: { currencyCode: 'SEK', amount: '500.00' },
      specialPrices: [
        {
          accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
          zone: 'SE-mobile',
          ratePerMinute: { currencyCode: 'SEK', amount: '0.12' },
        },
      ],
    });
    await expectStatus(billing.listContracts({ customerExternalId: 'NO-SUCH' }), Status.NOT_FOUND);

    // What rating sees: the customer's zone and every contract, in one lookup for a batch.
    const facts = await new PostgresCustomerDirectory(t.service.database).pricingFacts(['L-CUST', 'NO-SUCH']);
    expect([...facts.keys()]).toEqual(['L-CUST']);
    const l = facts.get('L-CUST')!;
    expect(l.timeZone).toBe('Europe/Stockholm');
    expect(
      l.contracts.map((c) => [c.id, c.validFrom.toISOString(), c.validTo?.toISOString(), c.discountPercent]),
    ).toEqual([
      ['L-2024', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '10'],
      ['L-2025', '2025-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '12.5'],
      ['L-2026', '2026-01-01T00:00:00.000Z', undefined, '10'],
    ]);
    expect(l.contracts[0]!.specialPrices).toEqual([
      { accessType: 'dial_out', zone: 'SE-mobile', ratePerMinute: '0.12' },
    ]);
  });
});

describe('roles', () => {
  it('the bridge cannot change customers; reservations cannot read invoices', async () => {
    await expectStatus(
      t
        .client(CustomerServiceDefinition, 'bridge')
        .upsertCustomer({ requestId: 'r', customer: customer('R') }),
      Status.PERMISSION_DENIED,
    );
    await expectStatus(
      t
        .client(CustomerServiceDefinition, 'billing')
        .upsertContract({ requestId: 'r', contract: contract('R', 'R', '2026-01-01T00:00:00Z') }),
      Status.PERMISSION_DENIED,
    );
    await expectStatus(
      t.client(InvoiceServiceDefinition, 'reservations').listInvoices({}),
      Status.PERMISSION_DENIED,
    );
    await expectStatus(
      t.client(CustomerServiceDefinition, 'bridge').getCustomer({ externalId: 'C1' }),
      Status.PERMISSION_DENIED,
    );
  });
});
