/**
 * A stream commits the batches it read while the group before was committing together, in one
 * statement and transaction (group commit). Each batch must still get exactly the results it would
 * get committed on its own after the earlier ones: a record repeated from an earlier batch of the
 * same group is a DUPLICATE, or a CONFLICT when its content differs, and is stored once. A batch
 * that cannot be priced ends the group there, and the stream has one customer lookup in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { GroupCommitQueue } from '../../src/app/ingest/group-commit-queue';
import { prepareCdrs, storePrepared, type IngestDeps } from '../../src/app/ingest/ingest-cdrs';
import type { CustomerDirectory } from '../../src/app/ingest/ports';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { PostgresCdrStore } from '../../src/persistence/cdr-store';
import { PostgresCustomerDirectory } from '../../src/persistence/customer-directory';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { cdrDraftFromProto } from '../../src/transport/grpc/mappers/cdr-mapper';
import { answeredCall } from '../support/answered-call';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const NOW = new Date('2026-11-28T12:00:00Z');
let t: TestService;
let deps: IngestDeps;
/** The real directory, except that it fails for the account BROKEN; it counts lookups in flight. */
const lookups = { inFlight: 0, most: 0 };

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW), env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['GROUP-1']);
  const directory = new PostgresCustomerDirectory(t.service.database);
  const customers: CustomerDirectory = {
    async pricingFacts(accounts) {
      lookups.most = Math.max(lookups.most, ++lookups.inFlight);
      try {
        if (accounts.includes('BROKEN')) throw new Error('the customer lookup failed');
        return await directory.pricingFacts(accounts);
      } finally {
        lookups.inFlight -= 1;
      }
    },
  };
  deps = {
    store: new PostgresCdrStore(t.service.database),
    rater: t.service.rating,
    customers,
    now: () => NOW,
  };
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

/** A 5-minute dial-out of GROUP-1 (rated); `seconds` differs for a conflicting copy. */
const call = (bridgeId: string, recordId: string, seconds = 300, customerAccount = 'GROUP-1') =>
  cdrDraftFromProto(
    answeredCall({
      bridgeId,
      recordId,
      customerAccount,
      calledNumber: '+46701234567',
      start: '2026-11-10T09:00:00Z',
      seconds,
    }),
  );

/** Three batches: fresh records, a copy of the first batch's record, and a changed copy of it. */
const batches = (bridge: string) => [
  [call(bridge, 'r-1'), call(bridge, 'r-2')],
  [call(bridge, 'r-1'), call(bridge, 'r-3')],
  [call(bridge, 'r-1', 301), call(bridge, 'r-3')],
];

const outcomes = (results: { outcome: string }[][]) => results.map((b) => b.map((r) => r.outcome));

async function storedOf(bridge: string) {
  const knex = t.service.database.orm.em.getKnex();
  return rowsOf<{ record_id: string; duration_seconds: number; charges: string }>(
    await knex.raw(
      `select d.record_id, d.duration_seconds, (select count(*) from charges c where c.cdr_id = d.id)::text as charges
       from cdrs d where d.bridge_id = ? order by d.record_id`,
      [bridge],
    ),
  );
}

describe('group commit', () => {
  it('answers each batch of a group as if it had been committed alone after the earlier ones', async () => {
    const queue = new GroupCommitQueue<number>(deps);
    batches('group-bridge').forEach((drafts, i) => queue.add(i, drafts));
    const outcome = await queue.commitAll();
    expect(queue.isEmpty).toBe(true);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.committed.map((c) => c.tag)).toEqual([0, 1, 2]);
    const together = outcome.committed.map((c) => c.results);

    const oneByOne = [];
    for (const drafts of batches('alone-bridge'))
      oneByOne.push(await storePrepared(deps, await prepareCdrs(deps, drafts)));

    expect(outcomes(together)).toEqual([
      ['accepted', 'accepted'],
      ['duplicate', 'accepted'],
      ['conflict', 'duplicate'],
    ]);
    expect(outcomes(together)).toEqual(outcomes(oneByOne));
    expect(together[0]![0]!.rating).toMatchObject({ rated: true });
    expect(together[2]![0]!.violations.map((v) => v.field)).toEqual(
      oneByOne[2]![0]!.violations.map((v) => v.field),
    );
    // Each record stored once, as first sent, with one charge.
    const expected = [
      { record_id: 'r-1', duration_seconds: 300, charges: '1' },
      { record_id: 'r-2', duration_seconds: 300, charges: '1' },
      { record_id: 'r-3', duration_seconds: 300, charges: '1' },
    ];
    expect(await storedOf('group-bridge')).toEqual(expected);
    expect(await storedOf('alone-bridge')).toEqual(expected);
  });

  it('commits the batches before one that cannot be priced, and not it or those after it', async () => {
    lookups.most = 0;
    const queue = new GroupCommitQueue<string>(deps);
    queue.add('first', [call('broken-bridge', 'b-1')]);
    queue.add('second', [call('broken-bridge', 'b-2')]);
    queue.add('broken', [call('broken-bridge', 'b-3', 300, 'BROKEN')]);
    queue.add('after', [call('broken-bridge', 'b-4')]);
    const outcome = await queue.commitAll();
    expect(outcome.committed.map((c) => [c.tag, c.results.map((r) => r.outcome)])).toEqual([
      ['first', ['accepted']],
      ['second', ['accepted']],
    ]);
    expect((outcome.failure?.error as Error).message).toBe('the customer lookup failed');
    expect((await storedOf('broken-bridge')).map((r) => r.record_id)).toEqual(['b-1', 'b-2']);
    // The four batches were priced one after the other: one lookup in flight.
    expect(lookups.most).toBe(1);
  });
});
