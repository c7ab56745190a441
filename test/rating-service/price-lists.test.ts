/**
 * Price lists per currency over a real socket: a customer billed in SEK is priced from
 * rules/standard-2026-sek (ingest, running charges, QuoteCall, period pricing at close), and a
 * customer whose currency has no price list in force gets the same reason from ingest (stored
 * unrated), QuoteCall (FAILED_PRECONDITION) and rerate (its charges left as they are, reported).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType, Feature } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { createCustomers, plainContract } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { streamOf } from '../support/stream-of';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { answeredCall } from '../support/answered-call';

const NOW = '2026-11-20T12:00:00Z';
let t: TestService;
let rulesDir: string;
beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-price-lists-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({
    rulesDir,
    clock: new FixedClock(NOW),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  const sales = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(sales, ['SEK-1', 'SEK-TIER', 'SEK-GONE'], { currencyCode: 'SEK' });
  await createCustomers(sales, ['EUR-1'], { currencyCode: 'EUR' });
  await createCustomers(sales, ['NOK-1'], { currencyCode: 'NOK' });
  await sales.upsertContract({
    requestId: 'k-sek-tier',
    contract: plainContract('SEK-TIER', { pricePlan: 'volume-2026' }),
  });
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

let n = 0;
/** A leg of `account`: dial-out to a Swedish mobile, Tuesday 3 November 2026 10:00 Stockholm (peak), 300 s. */
function leg(account: string, overrides: Partial<Cdr> = {}): Cdr {
  n += 1;
  const call = answeredCall({
    bridgeId: 'rating-bridge',
    recordId: `pl-${n}`,
    conferenceId: `conf-${account}`,
    customerAccount: account,
    calledNumber: '+46701234567',
    start: overrides.startTime ?? '2026-11-03T09:00:00Z',
    seconds: overrides.durationSeconds ?? 300,
  });
  return { ...call, ...overrides };
}

async function stream(cdrs: Cdr[]) {
  const acks = [];
  const client = t.client(CdrIngestServiceDefinition, 'bridge');
  for await (const ack of client.streamCdrs(streamOf([{ batch: { sequence: '1', cdrs } }]))) acks.push(ack);
  const results = acks.flatMap((a) => a.results);
  expect(results.map((r) => r.outcome)).toEqual(cdrs.map(() => CdrOutcome.CDR_OUTCOME_ACCEPTED));
  return results;
}

const quote = (customerAccount: string, over: { startTime?: Date } = {}) =>
  t.client(RatingServiceDefinition, 'finance').quoteCall({
    customerAccount,
    accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
    calledNumber: '+46701234567',
    startTime: over.startTime ?? new Date('2026-11-03T09:00:00Z'),
    durationSeconds: 300,
    features: [Feature.FEATURE_RECORDING],
    participants: 2,
    ruleSetHash: '',
  });

describe('price lists per currency', () => {
  it('prices a SEK customer in SEK from the shipped rules: charges, running charges and quotes', async () => {
    const [mobile, web] = await stream([
      leg('SEK-1', { features: [Feature.FEATURE_RECORDING] }),
      leg('SEK-1', { accessType: AccessType.ACCESS_TYPE_WEB, calledNumber: '', durationSeconds: 600 }),
    ]);
    // 300 s x 1.30/60 = 6.50 ; recording 2.75 ; = 9.25 SEK (the EUR list: 0.60 + 0.25)
    expect(mobile!.ratingStatus).toBe(RatingStatus.RATING_STATUS_RATED);
    expect(mobile!.charge).toEqual({ currencyCode: 'SEK', amount: '9.25' });
    // 10 started minutes x 0.10 = 1.00 SEK
    expect(web!.charge).toEqual({ currencyCode: 'SEK', amount: '1.00' });

    const q = await quote('SEK-1');
    expect(q.pricePerParticipant).toEqual(mobile!.charge);
    expect(q.price).toEqual({ currencyCode: 'SEK', amount: '18.5' });
    expect(q.explanation!.ruleSet).toMatchObject({
      name: 'standard-2026-sek',
      contentHash: mobile!.ruleSetHash,
    });

    const running = await t
      .client(InvoiceServiceDefinition, 'sales')
      .getRunningCharges({ customerAccount: 'SEK-1', asOf: new Date(NOW) });
    expect(running.totals).toEqual([{ currencyCode: 'SEK', amount: '10.25' }]);
    expect(running.unratedCount).toBe(0);

    // The same call for a customer billed in EUR: the EUR list
    const [eur] = await stream([leg('EUR-1', { features: [Feature.FEATURE_RECORDING] })]);
    expect(eur!.charge).toEqual({ currencyCode: 'EUR', amount: '0.85' });
    expect((await quote('EUR-1')).explanation!.ruleSet!.name).toBe('standard-2026');
    // A quote without a customer: list prices, in EUR
    expect((await quote('')).pricePerParticipant).toEqual({ currencyCode: 'EUR', amount: '0.85' });
  });

  it('refuses a currency without a price list in force with one reason: ingest, QuoteCall', async () => {
    const [nok, early] = await stream([
      leg('NOK-1'),
      // the SEK list starts on 1 January 2026
      leg('SEK-1', { startTime: new Date('2025-12-15T09:00:00Z') }),
    ]);
    expect(nok!.ratingStatus).toBe(RatingStatus.RATING_STATUS_UNRATED);
    expect(nok!.unratedReason).toBe('no NOK price list in force at 2026-11-03T09:00:00.000Z');
    expect(nok!.charge).toBeUndefined();
    expect(early!.ratingStatus).toBe(RatingStatus.RATING_STATUS_UNRATED);
    expect(early!.unratedReason).toBe('no SEK price list in force at 2025-12-15T09:00:00.000Z');

    const refused = await expectStatus(quote('NOK-1'), Status.FAILED_PRECONDITION);
    expect(refused.details).toBe(
      'the call cannot be priced: no NOK price list in force at 2026-11-03T09:00:00.000Z',
    );
    const refusedEarly = await expectStatus(
      quote('SEK-1', { startTime: new Date('2025-12-15T09:00:00Z') }),
      Status.FAILED_PRECONDITION,
    );
    expect(refusedEarly.details).toContain(early!.unratedReason);

    const running = await t
      .client(InvoiceServiceDefinition, 'sales')
      .getRunningCharges({ customerAccount: 'NOK-1', asOf: new Date(NOW) });
    expect(running.totals).toEqual([]);
    expect(running.unratedCount).toBe(1);
  });

  it('closes a SEK customer period with the SEK plan of the period pricing', async () => {
    const october = (i: number): Cdr =>
      leg('SEK-TIER', {
        accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
        callerNumber: '+46812345678',
        calledNumber: '+46850000000',
        startTime: new Date(Date.UTC(2026, 9, 6, 9, i)),
        durationSeconds: 50 * 60,
      });
    const results = await stream([october(0), october(1)]);
    expect(results.map((r) => r.charge)).toEqual([
      { currencyCode: 'SEK', amount: '0.00' },
      { currencyCode: 'SEK', amount: '0.00' },
    ]);
    const closed = await t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
      requestId: 'close-sek-tier',
      customerAccount: 'SEK-TIER',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: false,
    });
    expect(closed.skipped).toEqual([]);
    const invoice = closed.invoices[0]!;
    expect(invoice.currencyCode).toBe('SEK');
    // 100 min x 1.10 = 110.00 on tier 1, topped up to the SEK plan's 1100.00 commitment
    expect(invoice.lines.slice(1).map((l) => [l.quantity, l.unitPrice!.amount, l.netAmount!.amount])).toEqual(
      [
        ['6000', '1.1', '110.00'], // 100 min = 6000 s at 1.10 per 60 s
        ['1', '990.00', '990.00'],
      ],
    );
    expect(invoice.netTotal).toEqual({ currencyCode: 'SEK', amount: '1100.00' });
  });

  it('rerate leaves a charge whose price list is gone as it is, and reports it', async () => {
    const [charged] = await stream([leg('SEK-GONE')]);
    expect(charged!.charge).toEqual({ currencyCode: 'SEK', amount: '6.50' });
    // Finance moves the SEK list to 2027: SEK calls of 2026 have no price list any more
    const file = path.join(rulesDir, 'standard-2026-sek', 'ruleset.json');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('"2026-01-01T00:00:00+01:00"', '"2027-01-01T00:00:00+01:00"'),
    );
    const deadline = Date.now() + 60_000;
    while (
      !(await quote('SEK-GONE').then(
        () => false,
        () => true,
      ))
    ) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the rule change');
      await new Promise((r) => setTimeout(r, 100));
    }
    const invoices = t.client(InvoiceServiceDefinition, 'billing');
    const refused = await expectStatus(
      invoices.rerateCharges({
        requestId: 'rerate-sek-gone',
        customerAccount: 'SEK-GONE',
        period: { startTime: new Date('2026-11-01T00:00:00Z'), endTime: new Date('2026-12-01T00:00:00Z') },
        ruleSetHash: '',
        reason: '',
      }),
      Status.FAILED_PRECONDITION,
    );
    expect(refused.details).toContain(
      `rating-bridge/${charged!.recordId}: no SEK price list in force at 2026-11-03T09:00:00.000Z`,
    );
    const running = await t
      .client(InvoiceServiceDefinition, 'sales')
      .getRunningCharges({ customerAccount: 'SEK-GONE', asOf: new Date(NOW) });
    expect(running.totals).toEqual([{ currencyCode: 'SEK', amount: '6.5' }]);
  });
});
