/**
 * Finance's view over a real socket: quotes agree with charges, a valid rule change goes live for
 * the next CDR, a broken one is refused and reported while the last good set keeps pricing, and
 * unrated CDRs are priced once their data is fixed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';

let t: TestService;
let rulesDir: string;
beforeAll(async () => {
  rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-rules-'));
  fs.cpSync(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  t = await startTestService({ rulesDir });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CUST-R']);
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(rulesDir, { recursive: true, force: true });
});

const call = {
  accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
  calledNumber: '+46812345678',
  startTime: new Date('2026-11-03T09:00:00Z'),
  durationSeconds: 300,
};

function cdr(recordId: string, overrides: Partial<Cdr> = {}): Cdr {
  const start = overrides.startTime ?? call.startTime;
  return {
    bridgeId: 'rating-bridge',
    recordId,
    conferenceId: 'c1',
    bookingId: '',
    customerAccount: 'CUST-R',
    accessType: call.accessType,
    callerNumber: '',
    calledNumber: call.calledNumber,
    startTime: start,
    answerTime: start,
    endTime: new Date(start.getTime() + call.durationSeconds * 1000),
    durationSeconds: call.durationSeconds,
    features: [],
    ...overrides,
  };
}

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  // A bound on waiting for the file watcher, not a speed requirement: generous for a loaded machine.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function editJson(file: string, edit: (text: string) => string) {
  const full = path.join(rulesDir, file);
  fs.writeFileSync(full, edit(fs.readFileSync(full, 'utf8')));
}

describe('RatingService', () => {
  it('quotes exactly what the same call is charged, with an explanation', async () => {
    const rating = t.client(RatingServiceDefinition, 'finance');
    const quote = await rating.quoteCall({
      ...call,
      customerAccount: '',
      features: [],
      participants: 3,
      ruleSetHash: '',
    });
    const [charged] = (
      await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({ requestId: 'q1', cdrs: [cdr('q-1')] })
    ).results;
    expect(charged!.ratingStatus).toBe(RatingStatus.RATING_STATUS_RATED);
    expect(quote.pricePerParticipant).toEqual(charged!.charge);
    expect(Number(quote.price!.amount)).toBeCloseTo(Number(charged!.charge!.amount) * 3, 10);
    expect(quote.explanation!.ruleSet!.contentHash).toBe(charged!.ruleSetHash);
    expect(quote.explanation!.zone).toBe('SE');
    expect(quote.explanation!.matchedPrefix).toBe('+46');
    expect(quote.explanation!.steps.length).toBeGreaterThan(1);
    expect(quote.explanation!.summary).not.toBe('');
  });

  it('puts a valid change live for the next CDR, and refuses a broken one while the last good set keeps pricing', async () => {
    const rating = t.client(RatingServiceDefinition, 'finance');
    const before = await rating.getActiveRuleSet({ at: call.startTime });
    const oldQuote = await rating.quoteCall({
      ...call,
      customerAccount: '',
      features: [],
      participants: 1,
      ruleSetHash: '',
    });

    editJson('standard-2026/rates.json', (text) => text.replace('"rate": "0.06"', '"rate": "0.07"'));
    const changed = await until(
      () => rating.getActiveRuleSet({ at: call.startTime }),
      (r) => r.ruleSet!.ref!.contentHash !== before.ruleSet!.ref!.contentHash,
      'the new rule set',
    );
    const newQuote = await rating.quoteCall({
      ...call,
      customerAccount: '',
      features: [],
      participants: 1,
      ruleSetHash: '',
    });
    expect(newQuote.pricePerParticipant!.amount).not.toBe(oldQuote.pricePerParticipant!.amount);
    expect(newQuote.explanation!.steps.map((s) => s.text).join('\n')).toContain('0.07');
    const [next] = (
      await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({ requestId: 'q2', cdrs: [cdr('q-2')] })
    ).results;
    expect(next!.charge).toEqual(newQuote.pricePerParticipant);
    expect(next!.ruleSetHash).toBe(changed.ruleSet!.ref!.contentHash);

    // A typo in a fact name: refused with the file, the JSON path and the reason.
    editJson('standard-2026/ruleset.json', (text) =>
      text.replace('"fact": "accessType"', '"fact": "acessType"'),
    );
    const refused = await until(
      () => rating.getActiveRuleSet({ at: call.startTime }),
      (r) => Boolean(r.lastRefusedReload),
      'the refused reload',
    );
    const violation = refused.lastRefusedReload!.violations.find((v) => v.reason.includes('acessType'));
    expect(violation?.file).toBe('standard-2026/ruleset.json');
    expect(violation?.jsonPath).toMatch(/^\$\.rules\[\d+\]\.conditions/);
    expect(refused.ruleSet!.ref!.contentHash).toBe(changed.ruleSet!.ref!.contentHash);
    const stillPricing = await rating.quoteCall({
      ...call,
      customerAccount: '',
      features: [],
      participants: 1,
      ruleSetHash: '',
    });
    expect(stillPricing.pricePerParticipant).toEqual(newQuote.pricePerParticipant);

    // The same broken file through ValidateRuleSet: nothing goes live, the violation is reported.
    const files = ['ruleset', 'destinations', 'rates', 'calendar'].map((part) => ({
      path: `candidate/${part}.json`,
      content: fs.readFileSync(path.join(rulesDir, 'standard-2026', `${part}.json`)),
    }));
    const checked = await rating.validateRuleSet({ files });
    expect(checked.valid).toBe(false);
    expect(
      checked.violations.some((v) => v.file === 'candidate/ruleset.json' && v.reason.includes('acessType')),
    ).toBe(true);

    editJson('standard-2026/ruleset.json', (text) =>
      text.replace('"fact": "acessType"', '"fact": "accessType"'),
    );
    await until(
      () => rating.getActiveRuleSet({ at: call.startTime }),
      (r) => !r.lastRefusedReload,
      'the repaired rule set',
    );
  });

  it('lists every rule set that priced charges, with its usage', async () => {
    const rating = t.client(RatingServiceDefinition, 'billing');
    const listed = await rating.listRuleSets({ pageSize: 0, pageToken: '' });
    const used = listed.ruleSets.filter((r) => Number(r.chargeCount) > 0);
    expect(used.length).toBeGreaterThanOrEqual(2); // before and after the price change
    expect(
      used.every(
        (r) =>
          r.ruleSet!.files.length === 4 && r.ruleSet!.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256)),
      ),
    ).toBe(true);
  });
});

describe('unrated CDRs', () => {
  it('stores a CDR no rule set prices as unrated, lists it, and prices it once the rules cover it', async () => {
    const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
    const old = cdr('old-1', { startTime: new Date('2020-06-01T10:00:00Z') });
    const [result] = (await ingest.submitCdrs({ requestId: 'u1', cdrs: [old] })).results;
    expect(result!.outcome).toBe(CdrOutcome.CDR_OUTCOME_ACCEPTED);
    expect(result!.ratingStatus).toBe(RatingStatus.RATING_STATUS_UNRATED);
    expect(result!.unratedReason).toBe('no EUR price list in force at 2020-06-01T10:00:00.000Z');

    const billing = t.client(CdrIngestServiceDefinition, 'billing');
    const listed = await billing.listUnratedCdrs({
      pageSize: 10,
      pageToken: '',
      customerAccount: 'CUST-R',
      bridgeId: '',
    });
    expect(listed.totalCount).toBe(1);
    expect(listed.unratedCdrs[0]!.cdr!.recordId).toBe('old-1');

    // Nothing changed yet: a retry leaves it unrated and counts the attempt.
    const early = await billing.retryUnratedCdrs({
      requestId: 'r1',
      customerAccount: 'CUST-R',
      bridgeId: '',
      cdrKeys: [],
    });
    expect(early).toMatchObject({ retriedCount: 1, ratedCount: 0, stillUnratedCount: 1 });

    // Finance extends the 2025 price list back to 2020; the retry prices it, once.
    const rating = t.client(RatingServiceDefinition, 'finance');
    editJson('standard-2025/ruleset.json', (text) =>
      text.replace(/"effectiveFrom": "[^"]+"/, '"effectiveFrom": "2020-01-01T00:00:00+01:00"'),
    );
    await until(
      () => rating.getActiveRuleSet({ at: old.startTime }).catch(() => undefined),
      (r) => Boolean(r?.ruleSet),
      'the extended rule set',
    );
    const [a, b] = await Promise.all([
      billing.retryUnratedCdrs({ requestId: 'r2', customerAccount: 'CUST-R', bridgeId: '', cdrKeys: [] }),
      billing.retryUnratedCdrs({ requestId: 'r3', customerAccount: 'CUST-R', bridgeId: '', cdrKeys: [] }),
    ]);
    expect(a.ratedCount + b.ratedCount).toBe(1);
    const after = await billing.listUnratedCdrs({
      pageSize: 10,
      pageToken: '',
      customerAccount: 'CUST-R',
      bridgeId: '',
    });
    expect(after.totalCount).toBe(0);
    const charges = await t.service.database.orm.em
      .getKnex()
      .raw<{ rows: { n: number }[] }>(
        `select count(*)::int as n from charges ch join cdrs c on c.id = ch.cdr_id where c.record_id = 'old-1' and c.rating_status = 'rated'`,
      );
    expect(charges.rows[0]!.n).toBe(1);
  });
});

describe('customers and contracts in pricing', () => {
  it('stores a CDR of an unknown customer as unrated and prices it once sales creates the customer', async () => {
    const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
    const [result] = (
      await ingest.submitCdrs({ requestId: 'nc', cdrs: [cdr('nc-1', { customerAccount: 'NEW-CUST' })] })
    ).results;
    expect(result!.ratingStatus).toBe(RatingStatus.RATING_STATUS_UNRATED);
    expect(result!.unratedReason).toBe('unknown customer account "NEW-CUST"');

    await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['NEW-CUST']);
    const retried = await t.client(CdrIngestServiceDefinition, 'billing').retryUnratedCdrs({
      requestId: 'nc-retry',
      customerAccount: '',
      bridgeId: '',
      cdrKeys: [{ bridgeId: 'rating-bridge', recordId: 'nc-1' }],
    });
    expect(retried).toMatchObject({ retriedCount: 1, ratedCount: 1, stillUnratedCount: 0 });
  });

  it('a retry of given keys answers one result per key in their order, and its request id replays it', async () => {
    const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
    const submitted = await ingest.submitCdrs({
      requestId: 'keys-submit',
      cdrs: [cdr('keys-rated'), cdr('keys-unrated', { customerAccount: 'KEYS-CUST' })],
    });
    const rated = submitted.results[0]!;
    expect(rated.ratingStatus).toBe(RatingStatus.RATING_STATUS_RATED);
    await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['KEYS-CUST']);
    const billing = t.client(CdrIngestServiceDefinition, 'billing');
    const request = {
      requestId: 'keys-retry',
      customerAccount: '',
      bridgeId: '',
      cdrKeys: [
        { bridgeId: 'rating-bridge', recordId: 'keys-unknown' },
        { bridgeId: 'rating-bridge', recordId: 'keys-unrated' },
        { bridgeId: 'rating-bridge', recordId: 'keys-rated' },
      ],
    };
    const retried = await billing.retryUnratedCdrs(request);
    expect(retried).toMatchObject({ retriedCount: 1, ratedCount: 1, stillUnratedCount: 0 });
    expect(retried.results.map((r) => [r.recordId, r.outcome, r.ratingStatus])).toEqual([
      ['keys-unknown', CdrOutcome.CDR_OUTCOME_REJECTED, RatingStatus.RATING_STATUS_UNSPECIFIED],
      ['keys-unrated', CdrOutcome.CDR_OUTCOME_ACCEPTED, RatingStatus.RATING_STATUS_RATED],
      ['keys-rated', CdrOutcome.CDR_OUTCOME_ACCEPTED, RatingStatus.RATING_STATUS_RATED],
    ]);
    expect(retried.results[0]!.violations).toEqual([
      { field: 'cdr_keys[0]', reason: 'no stored CDR has this bridge_id and record_id' },
    ]);
    // The one priced before the retry answers the charge it was priced with then.
    expect(retried.results[2]!.charge).toEqual(rated.charge);
    expect(retried.results[2]!.ruleSetHash).toBe(rated.ruleSetHash);
    expect(retried.results[1]!.charge?.amount).toBeTruthy();
    // A retried call answers the first result (nothing is left to price now), and the same request
    // id with other keys is refused.
    expect(await billing.retryUnratedCdrs(request)).toEqual(retried);
    await expectStatus(
      billing.retryUnratedCdrs({ ...request, cdrKeys: request.cdrKeys.slice(1) }),
      Status.FAILED_PRECONDITION,
    );
  });

  it('prices with the contract valid at the call: a special price from its start, the list price before', async () => {
    await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CONTRACT-CUST']);
    await t.client(CustomerServiceDefinition, 'sales').upsertContract({
      requestId: 'k1',
      expectedVersion: 0,
      contract: {
        externalId: 'K-1',
        customerExternalId: 'CONTRACT-CUST',
        pricePlan: '',
        discountPercent: '',
        specialPrices: [
          {
            accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
            zone: 'SE',
            ratePerMinute: { currencyCode: 'EUR', amount: '0.03' },
          },
        ],
        includedMinutes: '0',
        minimumCommitment: undefined,
        billingCycle: 0,
        anchorDay: 1,
        validFrom: new Date('2026-11-10T00:00:00Z'),
        validTo: undefined,
        signedAt: new Date('2026-11-01T00:00:00Z'),
        version: 0,
      },
    });
    const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
    const before = cdr('k-before', { customerAccount: 'CONTRACT-CUST' }); // 2026-11-03, before the contract
    const after = cdr('k-after', {
      customerAccount: 'CONTRACT-CUST',
      startTime: new Date('2026-11-12T09:00:00Z'),
    });
    const [b, a] = (await ingest.submitCdrs({ requestId: 'k', cdrs: [before, after] })).results;
    // The list price then (0.07 per minute after the change above, 5 min = 0.35); the contract's 0.03 per minute after (0.15).
    expect(b!.charge!.amount).toBe('0.35');
    expect(a!.charge!.amount).toBe('0.15');
  });
});
