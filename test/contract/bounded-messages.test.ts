/**
 * Error messages never echo unbounded client input: at most 64 characters of a client value are
 * quoted (src/domain/quote-value.ts), whatever its size, and the rest is only counted.
 */
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { createCustomers, plainContract } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
const sales = () => t.client(CustomerServiceDefinition, 'sales');

beforeAll(async () => {
  t = await startTestService();
  await createCustomers(sales(), ['BM']);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

// As long as an external id may be (128): twice the quoted length.
const LONG = 'L'.repeat(60) + 'TAIL'.repeat(17);
const QUOTED = JSON.stringify('L'.repeat(60) + 'TAIL');

/** The message quotes the first 64 characters of LONG, says how long it was, and has nothing after. */
function expectCut(error: ClientError): void {
  expect(error.details).toContain(`${QUOTED}... (128 characters in all)`);
  expect(error.details).not.toContain('TAILTAIL');
}

describe('messages quote at most 64 characters of a client value', () => {
  it('GetCustomer and ListContracts: NOT_FOUND', async () => {
    expectCut(await expectStatus(sales().getCustomer({ externalId: LONG }), Status.NOT_FOUND));
    expectCut(await expectStatus(sales().listContracts({ customerExternalId: LONG }), Status.NOT_FOUND));
  });

  it('GetRunningCharges and QuoteCall: NOT_FOUND', async () => {
    expectCut(
      await expectStatus(
        t.client(InvoiceServiceDefinition, 'sales').getRunningCharges({ customerAccount: LONG }),
        Status.NOT_FOUND,
      ),
    );
    const quote = t.client(RatingServiceDefinition, 'sales').quoteCall({
      customerAccount: LONG,
      accessType: AccessType.ACCESS_TYPE_WEB,
      calledNumber: '',
      startTime: new Date('2026-06-02T09:00:00Z'),
      durationSeconds: 60,
      features: [],
      participants: 1,
      ruleSetHash: '',
    });
    expectCut(await expectStatus(quote, Status.NOT_FOUND));
  });

  it('UpsertContract for a customer that does not exist: FAILED_PRECONDITION', async () => {
    const contract = plainContract(LONG, { externalId: 'BM-K' });
    expectCut(
      await expectStatus(sales().upsertContract({ requestId: 'bm-k', contract }), Status.FAILED_PRECONDITION),
    );
  });

  it('UpsertCustomer validation: INVALID_ARGUMENT', async () => {
    const email = 'x'.repeat(250);
    const error = await expectStatus(
      sales().upsertCustomer({
        requestId: 'bm-c',
        customer: {
          externalId: 'BM-C',
          name: 'BM AB',
          billingAddress: { lines: [], postalCode: '', city: '', countryCode: 'SE' },
          email,
          vatNumber: '',
          countryCode: 'SE',
          currencyCode: 'SEK',
          timeZone: 'Europe/Stockholm',
          paymentTermsDays: 30,
          registrationNumber: '',
          version: 0,
        },
      }),
      Status.INVALID_ARGUMENT,
    );
    expect(error.details).toContain(
      `${JSON.stringify('x'.repeat(64))}... (250 characters in all) is not an e-mail address`,
    );
  });

  it('a 1 MB key gets a short answer, whatever refuses it', async () => {
    const error = await sales()
      .getCustomer({ externalId: 'M'.repeat(1 << 20) })
      .then(
        () => expect.fail('the call succeeded'),
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).details.length).toBeLessThan(300);
  });
});
