/**
 * Ingest stores a narrow charge row (the facts it priced with, not the words); explainCharge must
 * give back exactly the explanation rating produced at ingest, from the stored CDR, those facts and
 * the archived rule set, even after the customer's contract changed; RatingService.ExplainCharge
 * gives it to sales, billing and finance over gRPC.
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { explainCharge, type ExplainChargeDeps } from '../../src/app/ingest/explain-charge';
import { ingestCdrs, type IngestDeps } from '../../src/app/ingest/ingest-cdrs';
import type { CdrToStore, CdrStore } from '../../src/app/ingest/ports';
import type { CdrDraft } from '../../src/domain/cdr-validation';
import { NotFoundError } from '../../src/domain/errors';
import type { Explanation } from '../../src/domain/rating/types';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { AccessType, Feature } from '../../src/gen/billing/v1/common';
import { PostgresBookingDirectory } from '../../src/persistence/booking-directory';
import { PostgresCdrStore } from '../../src/persistence/cdr-store';
import { PostgresCustomerDirectory } from '../../src/persistence/customer-directory';
import { PostgresRuleSetArchive } from '../../src/persistence/rule-set-archive';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { cdrDraftFromProto } from '../../src/transport/grpc/mappers/cdr-mapper';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { answeredCall } from '../support/answered-call';
import { expectStatus } from '../support/expect-status';

const NOW = new Date('2026-11-28T12:00:00Z');
let t: TestService;
/** Ingest's use case on the real store, remembering the explanations it priced with (below). */
let ingest: IngestDeps;
/** The explanation rating gave each CDR at ingest, by record id. */
const atIngest = new Map<string, Explanation>();

function leg(
  n: number,
  accessType: AccessType,
  calledNumber: string,
  startUtc: string,
  seconds: number,
  customerAccount = n % 2 ? 'EXPLAIN-A' : 'EXPLAIN-B',
) {
  return cdrDraftFromProto(
    answeredCall({
      bridgeId: 'explain-bridge',
      recordId: `explain-${n}`,
      conferenceId: 'conf-explain',
      customerAccount,
      accessType,
      calledNumber,
      start: startUtc,
      seconds,
      features: n === 3 ? [Feature.FEATURE_RECORDING] : [],
    }),
  );
}

function deps(): ExplainChargeDeps {
  const database = t.service.database;
  const archive = new PostgresRuleSetArchive(database);
  return { charges: new PostgresCdrStore(database), archivedRuleSet: (hash) => archive.compiled(hash) };
}

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW), env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  const sales = t.client(CustomerServiceDefinition, 'sales');
  await createCustomers(sales, ['EXPLAIN-A', 'EXPLAIN-B']);
  await sales.upsertContract({
    requestId: 'k-explain',
    contract: {
      externalId: 'k-explain',
      customerExternalId: 'EXPLAIN-A',
      discountPercent: '10',
      validFrom: new Date('2026-01-01T00:00:00Z'),
    },
  });
  const database = t.service.database;
  const store = new PostgresCdrStore(database);
  // The real store, remembering the explanations it was handed (and does not store as words).
  const remembering: CdrStore = {
    insertBatch(rows: CdrToStore[]) {
      for (const r of rows) if (r.rating.rated) atIngest.set(r.cdr.recordId, r.rating.charge.explanation);
      return store.insertBatch(rows);
    },
  };
  ingest = {
    store: remembering,
    rater: t.service.rating,
    customers: new PostgresCustomerDirectory(database),
    bookings: new PostgresBookingDirectory(database),
    now: () => NOW,
  };
  const out = AccessType.ACCESS_TYPE_DIAL_OUT;
  const drafts: CdrDraft[] = [
    leg(1, out, '+46812345678', '2026-10-07T18:00:00Z', 600),
    leg(2, out, '+46701234567', '2026-10-08T08:00:00Z', 90),
    leg(3, out, '+46701234567', '2026-10-09T09:00:00Z', 30),
    leg(4, AccessType.ACCESS_TYPE_LOCAL_DIAL_IN, '', '2026-10-12T09:00:00Z', 300),
    leg(5, out, '+46812345678', '2026-11-10T09:00:00Z', 0),
  ];
  const results = await ingestCdrs(ingest, drafts);
  expect(results.map((r) => r.outcome)).toEqual(drafts.map(() => 'accepted'));
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('explaining a stored charge', () => {
  it('stores facts instead of words, and re-derives the words rating gave at ingest', async () => {
    const knex = t.service.database.orm.em.getKnex();
    const stored = rowsOf<{ explanation: unknown; pricing_facts: unknown }>(
      await knex.raw(`select explanation, pricing_facts from charges`),
    );
    expect(stored).toHaveLength(5);
    expect(stored.every((r) => r.explanation === null && r.pricing_facts !== null)).toBe(true);
    expect(atIngest.size).toBe(5);
    for (const [recordId, explanation] of atIngest) {
      const got = await explainCharge(deps(), { bridgeId: 'explain-bridge', recordId });
      expect(got.explanation).toEqual(explanation);
    }
    // The contract's discount shows in the words of the customer who had it.
    const discounted = await explainCharge(deps(), { bridgeId: 'explain-bridge', recordId: 'explain-1' });
    expect(discounted.explanation.discount).toBeTruthy();
    expect(discounted).toMatchObject({ contractId: 'k-explain', discountPercent: '10' });
  });

  it('gives the same words after the contract that priced the charge changed', async () => {
    await t.client(CustomerServiceDefinition, 'sales').upsertContract({
      requestId: 'k-explain-2',
      contract: {
        externalId: 'k-explain',
        customerExternalId: 'EXPLAIN-A',
        discountPercent: '50',
        validFrom: new Date('2026-01-01T00:00:00Z'),
      },
    });
    const got = await explainCharge(deps(), { bridgeId: 'explain-bridge', recordId: 'explain-1' });
    expect(got.explanation).toEqual(atIngest.get('explain-1'));
    expect(got).toMatchObject({ contractId: 'k-explain', discountPercent: '10' });
  });

  it('answers the stored words of a charge that has them, and nothing for an unknown CDR', async () => {
    const knex = t.service.database.orm.em.getKnex();
    await knex.raw(
      `update charges set explanation = '{"summary": "stored words"}'::jsonb
       where cdr_id = (select id from cdrs where record_id = 'explain-2')`,
    );
    const got = await explainCharge(deps(), { bridgeId: 'explain-bridge', recordId: 'explain-2' });
    expect(got.explanation).toEqual({ summary: 'stored words' });
    await expect(explainCharge(deps(), { bridgeId: 'explain-bridge', recordId: 'nope' })).rejects.toThrow(
      NotFoundError,
    );
  });
});

describe('RatingService.ExplainCharge', () => {
  it("gives sales the charge, its rule set and the words of ingest, with the contract of the call's time", async () => {
    const knex = t.service.database.orm.em.getKnex();
    const [stored] = rowsOf<{ amount: string; rule_set_hash: string; fired_rules: string[]; name: string }>(
      await knex.raw(
        `select ch.amount::text as amount, ch.rule_set_hash, ch.fired_rules, r.name
         from charges ch join cdrs c on c.id = ch.cdr_id join rule_sets r on r.hash = ch.rule_set_hash
         where c.record_id = 'explain-3' and ch.superseded_at is null`,
      ),
    );
    const words = atIngest.get('explain-3')!;
    const got = await t
      .client(RatingServiceDefinition, 'sales')
      .explainCharge({ cdrKey: { bridgeId: 'explain-bridge', recordId: 'explain-3' } });
    expect(got.customerAccount).toBe('EXPLAIN-A');
    expect(got.amount).toEqual({ currencyCode: 'EUR', amount: stored!.amount });
    const e = got.explanation!;
    expect(e.ruleSet).toMatchObject({ name: stored!.name, contentHash: stored!.rule_set_hash });
    expect(e.firedRules).toEqual(stored!.fired_rules);
    // The contract as it was at ingest (10 %), although sales has since raised it to 50 %.
    expect(e.contractExternalId).toBe('k-explain');
    expect(e.discountPercent).toBe('10');
    expect(e.summary).toBe(words.summary);
    expect(e.steps.map((step) => step.text)).toEqual(words.steps.map((step) => step.text));
    expect(e.surcharges.length).toBe(words.surcharges.length);
    // A quote of the same call today names today's contract, as the same message.
    const quote = await t.client(RatingServiceDefinition, 'sales').quoteCall({
      customerAccount: 'EXPLAIN-A',
      accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
      calledNumber: '+46701234567',
      startTime: new Date('2026-10-09T09:00:00Z'),
      durationSeconds: 30,
      features: [Feature.FEATURE_RECORDING],
    });
    expect([quote.explanation!.contractExternalId, quote.explanation!.discountPercent]).toEqual([
      'k-explain',
      '50',
    ]);
  });

  it('answers NOT_FOUND for a CDR it does not know and INVALID_ARGUMENT naming a missing key part', async () => {
    const rating = t.client(RatingServiceDefinition, 'billing');
    const unknown = await expectStatus(
      rating.explainCharge({ cdrKey: { bridgeId: 'explain-bridge', recordId: 'nope' } }),
      Status.NOT_FOUND,
    );
    expect(unknown.details).toContain('"nope"');
    const empty = await expectStatus(rating.explainCharge({}), Status.INVALID_ARGUMENT);
    expect(empty.details).toContain('cdr_key.bridge_id: required');
    expect(empty.details).toContain('cdr_key.record_id: required');
  });

  it('explains a re-rated charge and a retried one with the contract each was priced with', async () => {
    const rating = t.client(RatingServiceDefinition, 'finance');
    const explain = (recordId: string) =>
      rating.explainCharge({ cdrKey: { bridgeId: 'explain-bridge', recordId } });
    // EXPLAIN-A's contract is at 50 % since the second test: a re-rate prices October with it.
    const rerated = await t.client(InvoiceServiceDefinition, 'finance').rerateCharges({
      requestId: 'explain-rerate',
      customerAccount: 'EXPLAIN-A',
      period: { startTime: new Date('2026-09-30T22:00:00Z'), endTime: new Date('2026-10-31T23:00:00Z') },
      ruleSetHash: '',
      reason: 'contract raised to 50 %',
    });
    expect(rerated.changedCount).toBeGreaterThan(0);
    const again = (await explain('explain-1')).explanation!;
    expect([again.contractExternalId, again.discountPercent]).toEqual(['k-explain', '50']);
    expect(again.summary).not.toBe(atIngest.get('explain-1')!.summary);

    // A CDR of a customer sales had not created yet is unrated; a retry prices it with its contract.
    const out = AccessType.ACCESS_TYPE_DIAL_OUT;
    await ingestCdrs(ingest, [leg(6, out, '+46812345678', '2026-10-14T09:00:00Z', 120, 'EXPLAIN-LATE')]);
    await expectStatus(explain('explain-6'), Status.NOT_FOUND);
    const sales = t.client(CustomerServiceDefinition, 'sales');
    await createCustomers(sales, ['EXPLAIN-LATE']);
    await sales.upsertContract({
      requestId: 'k-late',
      contract: {
        externalId: 'k-late',
        customerExternalId: 'EXPLAIN-LATE',
        discountPercent: '20',
        validFrom: new Date('2026-01-01T00:00:00Z'),
      },
    });
    const retried = await t.client(CdrIngestServiceDefinition, 'billing').retryUnratedCdrs({
      requestId: 'explain-retry',
      cdrKeys: [{ bridgeId: 'explain-bridge', recordId: 'explain-6' }],
    });
    expect(retried.ratedCount).toBe(1);
    const late = await explain('explain-6');
    expect(late.customerAccount).toBe('EXPLAIN-LATE');
    expect([late.explanation!.contractExternalId, late.explanation!.discountPercent]).toEqual([
      'k-late',
      '20',
    ]);
    expect(late.explanation!.discount).toBeDefined();
  });
});
