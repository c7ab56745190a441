/**
 * `billing mailing-list` and InvoiceService.GetMailingList: customers with charges in a month (in their
 * own time zone), as RFC 4180 CSV; the RPC answers the same list and the same bytes over a socket.
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvLine } from '../../src/cli/csv';
import { mailingListCsv } from '../../src/cli/mailing-list-command';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import {
  CustomerServiceDefinition,
  InvoiceLineGrouping,
  type Customer,
} from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

function customer(externalId: string, name: string, timeZone: string, lines: string[]): Customer {
  return {
    externalId,
    name,
    billingAddress: { lines, postalCode: '111 57', city: 'Stockholm', countryCode: 'SE' },
    email: `${externalId.toLowerCase()}@example.se`,
    vatNumber: '',
    countryCode: 'SE',
    currencyCode: 'EUR', // the currency the shipped rule sets price in
    timeZone,
    paymentTermsDays: 30,
    registrationNumber: '',
    buyerReference: '',
    invoiceLineGrouping: InvoiceLineGrouping.INVOICE_LINE_GROUPING_UNSPECIFIED,
    callSpecification: false,
    orderReference: '',
    version: 0,
  };
}

function call(recordId: string, customerAccount: string, start: string): Cdr {
  const startTime = new Date(start);
  return {
    bridgeId: 'ml-bridge',
    recordId,
    conferenceId: recordId,
    bookingId: '',
    customerAccount,
    accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
    callerNumber: '',
    calledNumber: '+46812345678',
    startTime,
    answerTime: startTime,
    endTime: new Date(startTime.getTime() + 120_000),
    durationSeconds: 120,
    features: [],
  };
}

describe('mailing list', () => {
  it('lists customers with charges in the month, in their time zone, quoted per RFC 4180', async () => {
    const sales = t.client(CustomerServiceDefinition, 'sales');
    await sales.upsertCustomer({
      requestId: 'a',
      customer: customer('ML-A', 'Acme, "the" company', 'Europe/Stockholm', ['Box 1', 'Floor 2']),
    });
    await sales.upsertCustomer({
      requestId: 'b',
      customer: customer('ML-B', 'Beta AB', 'Europe/Stockholm', ['Storgatan 2']),
    });
    await sales.upsertCustomer({
      requestId: 'c',
      customer: customer('ML-C', 'Gamma AB', 'UTC', ['Lillgatan 3']),
    });
    await sales.upsertCustomer({
      requestId: 'd',
      customer: customer('ML-D', 'Delta AB', 'UTC', ['Torget 4']),
    });
    const results = (
      await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
        requestId: 'ml',
        cdrs: [
          call('ml-1', 'ML-A', '2026-11-03T09:00:00Z'),
          // 00:30 on 1 November in Stockholm: November for B...
          call('ml-2', 'ML-B', '2026-10-31T23:30:00Z'),
          // ...but still October for a customer in UTC.
          call('ml-3', 'ML-C', '2026-10-31T23:30:00Z'),
        ],
      })
    ).results;
    expect(results.map((r) => r.ratingStatus)).toEqual([
      RatingStatus.RATING_STATUS_RATED,
      RatingStatus.RATING_STATUS_RATED,
      RatingStatus.RATING_STATUS_RATED,
    ]);

    let out = '';
    const count = await mailingListCsv(t.service.database, '2026-11', (chunk) => (out += chunk));
    expect(count).toBe(2);
    expect(out).toBe(
      csvLine(['external_id', 'name', 'email', 'address', 'postal_code', 'city', 'country_code']) +
        'ML-A,"Acme, ""the"" company",ml-a@example.se,"Box 1\nFloor 2",111 57,Stockholm,SE\r\n' +
        'ML-B,Beta AB,ml-b@example.se,Storgatan 2,111 57,Stockholm,SE\r\n',
    );
    let october = '';
    await mailingListCsv(t.service.database, '2026-10', (chunk) => (october += chunk));
    expect(
      october
        .split('\r\n')
        .slice(1, -1)
        .map((l) => l.split(',')[0]),
    ).toEqual(['ML-C']);
    await expect(mailingListCsv(t.service.database, '2026-13', () => {})).rejects.toThrow(/YYYY-MM/);
  });

  it("GetMailingList answers the CLI's entries and CSV bytes for the same month", async () => {
    // The customers and calls of the test above.
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    for (const period of ['2026-11', '2026-10', '2026-09']) {
      let cli = '';
      await mailingListCsv(t.service.database, period, (chunk) => (cli += chunk));
      const r = await billing.getMailingList({ period });
      expect(Buffer.from(r.content).toString('utf8')).toBe(cli);
      expect(r.contentType).toBe('text/csv; charset=utf-8');
      expect(r.fileName).toBe(`mailing-list-${period}.csv`);
      expect(r.entries.map((e) => e.externalId)).toEqual(
        cli
          .split('\r\n')
          .slice(1, -1)
          .map((l) => l.split(',')[0]),
      );
    }
    const november = await billing.getMailingList({ period: '2026-11' });
    expect(november.entries).toEqual([
      {
        externalId: 'ML-A',
        name: 'Acme, "the" company',
        email: 'ml-a@example.se',
        addressLines: ['Box 1', 'Floor 2'],
        postalCode: '111 57',
        city: 'Stockholm',
        countryCode: 'SE',
      },
      {
        externalId: 'ML-B',
        name: 'Beta AB',
        email: 'ml-b@example.se',
        addressLines: ['Storgatan 2'],
        postalCode: '111 57',
        city: 'Stockholm',
        countryCode: 'SE',
      },
    ]);
    expect((await billing.getMailingList({ period: '2026-09' })).entries).toEqual([]);
  });

  it('GetMailingList refuses a malformed month naming the field, and a role without access', async () => {
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    for (const period of ['2026-13', '11-2026', '', '2026-11-01']) {
      const error = await expectStatus(billing.getMailingList({ period }), Status.INVALID_ARGUMENT);
      expect(error.details).toContain('period');
    }
    for (const role of ['bridge', 'reservations'] as const) {
      await expectStatus(
        t.client(InvoiceServiceDefinition, role).getMailingList({ period: '2026-11' }),
        Status.PERMISSION_DENIED,
      );
    }
  });
});
