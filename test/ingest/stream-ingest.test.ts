/**
 * The bridge's hand-off over a real socket: exact per-record results, resends that change nothing,
 * two streams racing with the same records, and a charge stored with every accepted CDR.
 */
import { ClientError, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, RatingStatus, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType, Feature } from '../../src/gen/billing/v1/common';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { startTestService, type TestService } from '../support/test-service';
import { createCustomers } from '../support/customers';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { lazyStream } from './lazy-stream';
import { rowsOf } from '../../src/persistence/sql-helpers';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CUST-1', 'CUST-2', 'CUST-3']);
});
afterAll(async () => {
  await t?.stop();
});

function cdr(recordId: string, overrides: Partial<Cdr> = {}): Cdr {
  return {
    bridgeId: 'sto-bridge-1',
    recordId,
    conferenceId: 'conf-42',
    bookingId: '',
    customerAccount: 'CUST-1',
    accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
    callerNumber: '',
    calledNumber: '+46701234567',
    startTime: new Date('2026-11-03T09:00:00Z'),
    answerTime: new Date('2026-11-03T09:00:03Z'),
    endTime: new Date('2026-11-03T09:05:03Z'),
    durationSeconds: 300,
    features: [Feature.FEATURE_RECORDING],
    ...overrides,
  };
}

async function tableCounts() {
  const knex = t.service.database.orm.em.getKnex();
  const rows = rowsOf<{ cdrs: number; charges: number; digest: string }>(
    await knex.raw(
      `select (select count(*) from cdrs)::int as cdrs, (select count(*) from charges)::int as charges,
              (select coalesce(md5(string_agg(fingerprint || rating_status, ',' order by id)), '') from cdrs) as digest`,
    ),
  );
  return rows[0]!;
}

describe('StreamCdrs', () => {
  it('answers each batch after commit with an exact result per record', async () => {
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    function* batches() {
      yield { batch: { sequence: '1', cdrs: [cdr('a-1'), cdr('a-2')] } };
      yield {
        batch: {
          sequence: '2',
          cdrs: [
            cdr('a-1'), // identical resend
            cdr('a-2', { durationSeconds: 299 }), // same id, different content
            cdr('a-3', { endTime: new Date('2026-11-03T08:00:00Z') }), // ends before it starts
            cdr('', {}), // no record id
            cdr('a-4', { accessType: AccessType.ACCESS_TYPE_UNSPECIFIED, calledNumber: '0701234567' }),
            cdr('a-5'), // a good neighbour of bad records
          ],
        },
      };
    }
    const acks = [];
    for await (const ack of client.streamCdrs(lazyStream(batches()))) acks.push(ack);

    expect(acks.map((a) => a.sequence)).toEqual(['1', '2']);
    expect(acks[0]!.results.map((r) => r.outcome)).toEqual([
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
    ]);
    const second = acks[1]!.results;
    expect(second.map((r) => [r.recordId, CdrOutcome[r.outcome]])).toEqual([
      ['a-1', 'CDR_OUTCOME_DUPLICATE'],
      ['a-2', 'CDR_OUTCOME_CONFLICT'],
      ['a-3', 'CDR_OUTCOME_REJECTED'],
      ['', 'CDR_OUTCOME_REJECTED'],
      ['a-4', 'CDR_OUTCOME_REJECTED'],
      ['a-5', 'CDR_OUTCOME_ACCEPTED'],
    ]);
    expect(second[1]!.violations.map((v) => v.field)).toContain('duration_seconds');
    expect(second[2]!.violations.map((v) => v.field)).toContain('end_time');
    expect(second[3]!.violations.map((v) => v.field)).toEqual(['record_id']);
    expect(second[4]!.violations.map((v) => v.field).sort()).toEqual(['access_type', 'called_number']);
    expect(acks[1]!.counts).toMatchObject({ accepted: 1, duplicate: 1, conflict: 1, rejected: 3 });

    // Priced on arrival: the accepted records carry their charge, stored in the same transaction.
    for (const accepted of [...acks[0]!.results, second[5]!]) {
      expect(accepted.ratingStatus).toBe(RatingStatus.RATING_STATUS_RATED);
      expect(accepted.charge?.amount).toMatch(/^\d+\.\d+$/);
      expect(accepted.ruleSetHash).toMatch(/^[0-9a-f]{64}$/);
    }
    const knex = t.service.database.orm.em.getKnex();
    const stored = rowsOf<{ record_id: string; duration_seconds: number; amount: string }>(
      await knex.raw(
        `select c.record_id, c.duration_seconds, ch.amount::text as amount from cdrs c join charges ch on ch.cdr_id = c.id
         where c.bridge_id = 'sto-bridge-1' and c.record_id like 'a-%' order by c.record_id`,
      ),
    );
    expect(stored.map((r) => r.record_id)).toEqual(['a-1', 'a-2', 'a-5']);
    // The conflicting resend did not overwrite what was stored.
    expect(stored[1]!.duration_seconds).toBe(300);
    expect(stored[0]!.amount).toBe(acks[0]!.results[0]!.charge!.amount);
  });

  it('fails a stream whose batch is empty or too large with INVALID_ARGUMENT naming the field', async () => {
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    function* tooLarge() {
      yield { batch: { sequence: '1', cdrs: Array.from({ length: 1001 }, (_, i) => cdr(`big-${i}`)) } };
    }
    const error = await (async () => {
      for await (const _ of client.streamCdrs(lazyStream(tooLarge()))) void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe(Status.INVALID_ARGUMENT);
    expect((error as ClientError).details).toContain('batch.cdrs: at most 1000 entries');
  });

  it('changes nothing in the database when everything is sent again', async () => {
    const simulator = new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge'));
    const cdrs = [
      ...generateCdrs(
        {
          bridgeId: 'resend-bridge',
          customers: ['CUST-1', 'CUST-2'],
          from: new Date('2026-11-04T08:00:00Z'),
        },
        2000,
      ),
    ];
    const first = await simulator.sendAll(cdrs, { batchSize: 250 });
    expect(first.results.every((r) => r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED)).toBe(true);
    const before = await tableCounts();

    const again = await simulator.sendAll(cdrs, { batchSize: 333 });
    expect(again.results.every((r) => r.outcome === CdrOutcome.CDR_OUTCOME_DUPLICATE)).toBe(true);
    expect(await tableCounts()).toEqual(before);
  });

  it('stores each record once when two streams send the same records at the same time', async () => {
    const cdrs = [
      ...generateCdrs(
        { bridgeId: 'race-bridge', customers: ['CUST-3'], from: new Date('2026-11-05T08:00:00Z') },
        3000,
      ),
    ];
    const a = new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge'));
    const b = new BridgeSimulator(t.client(CdrIngestServiceDefinition, 'bridge'));
    const [ra, rb] = await Promise.all([
      a.sendAll(cdrs, { batchSize: 200 }),
      b.sendAll([...cdrs].reverse(), { batchSize: 300 }),
    ]);

    const accepted = [...ra.results, ...rb.results].filter(
      (r) => r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED,
    );
    const duplicates = [...ra.results, ...rb.results].filter(
      (r) => r.outcome === CdrOutcome.CDR_OUTCOME_DUPLICATE,
    );
    expect(accepted).toHaveLength(3000);
    expect(duplicates).toHaveLength(3000);
    const knex = t.service.database.orm.em.getKnex();
    const [counts] = rowsOf<{ cdrs: number; ids: number; charges: number }>(
      await knex.raw(
        `select count(*)::int as cdrs, count(distinct record_id)::int as ids,
                (select count(*)::int from charges ch join cdrs c2 on c2.id = ch.cdr_id where c2.bridge_id = 'race-bridge') as charges
         from cdrs where bridge_id = 'race-bridge'`,
      ),
    );
    expect(counts).toEqual({ cdrs: 3000, ids: 3000, charges: counts!.charges });
    expect(counts!.charges).toBe(
      accepted.filter((r) => r.ratingStatus === RatingStatus.RATING_STATUS_RATED).length,
    );
  });
});

describe('running totals', () => {
  it('keeps daily totals per customer equal to the sum of its current charges, in the same transaction', async () => {
    const knex = t.service.database.orm.em.getKnex();
    const rows = rowsOf<{
      account: string;
      calls: number;
      charged: string;
      total_calls: number;
      totalled: string;
    }>(
      await knex.raw(
        `select coalesce(c.customer_account, d.customer_account) as account, c.calls, c.amount::text as charged, d.calls as total_calls, d.amount::text as totalled
         from (select customer_account, count(*)::int as calls, sum(amount) as amount from charges where superseded_at is null group by 1) c
         full join (select customer_account, sum(calls)::int as calls, sum(amount) as amount from charge_daily_totals group by 1) d using (customer_account)
         order by 1`,
      ),
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      expect({ account: r.account, calls: r.total_calls, amount: r.totalled }).toEqual({
        account: r.account,
        calls: r.calls,
        amount: r.charged,
      });
    }
  });
});

describe('SubmitCdrs', () => {
  it('has the same semantics as the stream for simple clients', async () => {
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    const first = await client.submitCdrs({
      requestId: 'submit-1',
      cdrs: [cdr('u-1'), cdr('u-2', { durationSeconds: 200_000 })],
    });
    expect(first.results.map((r) => CdrOutcome[r.outcome])).toEqual([
      'CDR_OUTCOME_ACCEPTED',
      'CDR_OUTCOME_REJECTED',
    ]);
    const retry = await client.submitCdrs({ requestId: 'submit-2', cdrs: [cdr('u-1')] });
    expect(retry.results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_DUPLICATE);
  });
});
