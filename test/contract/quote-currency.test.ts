/**
 * QuoteCall prices the way ingest does: with the price list of the customer's currency; a customer
 * billed in a currency without a price list in force gets no quote (FAILED_PRECONDITION) but the very
 * reason ingest stores the same call unrated with; and a quote without start_time is for "now" by the
 * service's clock.
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

// The 2026 rule sets (EUR and SEK) are in force, no NOK one. NOW is a Saturday (weekend band), START a Tuesday at 11:00 in Stockholm (peak).
const NOW = new Date('2026-06-13T10:00:00Z');
const START = new Date('2026-06-02T09:00:00Z');

let t: TestService;
const rating = () => t.client(RatingServiceDefinition, 'sales');

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW) });
  const sales = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(sales, ['Q-SEK'], { currencyCode: 'SEK' });
  await createCustomers(sales, ['Q-NOK'], { currencyCode: 'NOK' });
  await createCustomers(sales, ['Q-EUR'], { currencyCode: 'EUR' });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const call = {
  accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
  calledNumber: '+46812345678',
  durationSeconds: 600,
  features: [],
  participants: 1,
  ruleSetHash: '',
};

describe('QuoteCall', () => {
  it('refuses a customer whose currency has no price list, with the reason ingest stores', async () => {
    const submitted = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'quote-currency-1',
      cdrs: [
        {
          bridgeId: 'test-bridge',
          recordId: 'q-nok-1',
          conferenceId: 'conf-q',
          bookingId: '',
          customerAccount: 'Q-NOK',
          accessType: call.accessType,
          callerNumber: '+46701234567',
          calledNumber: call.calledNumber,
          startTime: START,
          answerTime: START,
          endTime: new Date(START.getTime() + call.durationSeconds * 1000),
          durationSeconds: call.durationSeconds,
          features: [],
        },
      ],
    });
    const stored = submitted.results[0]!.unratedReason;
    expect(stored).toBe('no NOK price list in force at 2026-06-02T09:00:00.000Z');

    const error = await expectStatus(
      rating().quoteCall({ ...call, customerAccount: 'Q-NOK', startTime: START }),
      Status.FAILED_PRECONDITION,
    );
    expect(error.details).toContain(stored);
  });

  it("quotes a customer with the price list of the customer's currency", async () => {
    const quote = await rating().quoteCall({ ...call, customerAccount: 'Q-EUR', startTime: START });
    expect(quote.price!.currencyCode).toBe('EUR');
    const sek = await rating().quoteCall({ ...call, customerAccount: 'Q-SEK', startTime: START });
    expect(sek.price).toEqual({ currencyCode: 'SEK', amount: '3.5' }); // 10 min x 0.35 SEK (peak)
    expect(sek.explanation!.ruleSet!.name).toBe('standard-2026-sek');
  });

  it('without start_time quotes a call starting now by the service clock', async () => {
    const quote = await rating().quoteCall({ ...call, customerAccount: 'Q-EUR' });
    expect(quote).toEqual(await rating().quoteCall({ ...call, customerAccount: 'Q-EUR', startTime: NOW }));
    const weekday = await rating().quoteCall({ ...call, customerAccount: 'Q-EUR', startTime: START });
    expect(quote.explanation!.timeBands.map((b) => b.band)).not.toEqual(
      weekday.explanation!.timeBands.map((b) => b.band),
    );
  });
});
