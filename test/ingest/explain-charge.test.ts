/**
 * Ingest stores a narrow charge row (the facts it priced with, not the words); explainCharge must
 * give back exactly the explanation rating produced at ingest, from the stored CDR, those facts and
 * the archived rule set, even after the customer's contract changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { explainCharge, type ExplainChargeDeps } from '../../src/app/ingest/explain-charge';
import { ingestCdrs, type IngestDeps } from '../../src/app/ingest/ingest-cdrs';
import type { CdrToStore, CdrStore } from '../../src/app/ingest/ports';
import { RuleSetRater } from '../../src/app/rating/rule-set-rater';
import type { CdrDraft } from '../../src/domain/cdr-validation';
import { CompiledRuleSet } from '../../src/domain/rating/index';
import type { Explanation } from '../../src/domain/rating/types';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
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

const NOW = new Date('2026-11-28T12:00:00Z');
let t: TestService;
/** The explanation rating gave each CDR at ingest, by record id. */
const atIngest = new Map<string, Explanation>();

function leg(n: number, accessType: AccessType, calledNumber: string, startUtc: string, seconds: number) {
  return cdrDraftFromProto(
    answeredCall({
      bridgeId: 'explain-bridge',
      recordId: `explain-${n}`,
      conferenceId: 'conf-explain',
      customerAccount: n % 2 ? 'EXPLAIN-A' : 'EXPLAIN-B',
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
  return {
    charges: new PostgresCdrStore(database),
    archivedRater: async (hash) => {
      const source = await archive.load(hash);
      return source && new RuleSetRater(new CompiledRuleSet(source));
    },
  };
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
  const ingest: IngestDeps = {
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
      expect(got).toEqual({ found: true, explanation });
    }
    // The contract's discount shows in the words of the customer who had it.
    const discounted = await explainCharge(deps(), { bridgeId: 'explain-bridge', recordId: 'explain-1' });
    expect(discounted.found && discounted.explanation.discount).toBeTruthy();
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
    expect(got).toEqual({ found: true, explanation: atIngest.get('explain-1') });
  });

  it('answers the stored words of a charge that has them, and nothing for an unknown CDR', async () => {
    const knex = t.service.database.orm.em.getKnex();
    await knex.raw(
      `update charges set explanation = '{"summary": "stored words"}'::jsonb
       where cdr_id = (select id from cdrs where record_id = 'explain-2')`,
    );
    const got = await explainCharge(deps(), { bridgeId: 'explain-bridge', recordId: 'explain-2' });
    expect(got).toEqual({ found: true, explanation: { summary: 'stored words' } });
    const none = await explainCharge(deps(), { bridgeId: 'explain-bridge', recordId: 'nope' });
    expect(none.found).toBe(false);
  });
});
