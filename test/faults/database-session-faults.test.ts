/**
 * The database ends or cancels the service's work without going away: a statement_timeout an
 * operator set on the database, idle connections ended by idle_session_timeout or
 * pg_terminate_backend, and a bridge that cancels its stream while its batch commits. The service
 * answers UNAVAILABLE (retry; nothing stored) instead of INTERNAL, replaces dead connections by
 * itself, and a commit whose acknowledgement was lost is answered DUPLICATE on the resend.
 */
import { ClientError, Status } from 'nice-grpc';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cdr } from '../../src/gen/billing/v1/cdr';
import {
  CdrIngestServiceDefinition,
  type StreamCdrsRequest,
} from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import {
  isDatabaseBusy,
  isDatabaseUnavailable,
} from '../../src/transport/grpc/middleware/unavailable-errors';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const cdrs = (prefix: string, n: number): Cdr[] => [
  ...generateCdrs(
    { bridgeId: 'b1', customers: ['CUST-1'], from: new Date('2026-11-10T08:00:00Z'), recordPrefix: prefix },
    n,
  ),
];

async function statusOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'OK',
    (e: unknown) => (e instanceof ClientError ? `${Status[e.code]}: ${e.details}` : String(e)),
  );
}

/** Ends every connection to the test's database but the caller's own (and `except`). */
async function terminateOthers(admin: pg.Client, except = 0): Promise<void> {
  await admin.query(
    `select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and pid <> $1`,
    [except],
  );
}

describe.runIf(Boolean(process.env.DATABASE_URL))('database session faults under the running service', () => {
  let t: TestService;
  let admin: pg.Client;
  beforeAll(async () => {
    t = await startTestService();
    await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CUST-1']);
    admin = new pg.Client({ connectionString: t.database.databaseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.stop();
  });

  it('a statement that ran out its statement_timeout is busy (rolled back, retry), not an outage or a bug', async () => {
    const client = new pg.Client({ connectionString: t.database.databaseUrl });
    await client.connect();
    try {
      await client.query(`set statement_timeout = '50ms'`);
      const error = await client.query('select pg_sleep(2)').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code).toBe('57014');
      expect(isDatabaseBusy(error)).toBe(true);
      expect(isDatabaseUnavailable(error)).toBe(false);
    } finally {
      await client.end();
    }
  });

  it('answers UNAVAILABLE, not INTERNAL, when a statement behind a lock runs out the statement_timeout', async () => {
    const database = new URL(t.database.databaseUrl!).pathname.slice(1);
    const holder = new pg.Client({ connectionString: t.database.databaseUrl });
    await holder.connect();
    try {
      // An operator's statement_timeout, taken up by the pool's next connections.
      await admin.query(`alter database ${database} set statement_timeout = '300ms'`);
      await terminateOthers(
        admin,
        (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid,
      );
      await holder.query('begin');
      await holder.query('lock table cdrs in access exclusive mode');
      const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
      let status = '';
      // The first call may meet a connection terminated above (UNAVAILABLE too); the next is a timeout.
      for (let i = 0; i < 3 && !status.includes('busy'); i++)
        status = await statusOf(
          ingest.submitCdrs({ requestId: `timeout-${i}`, cdrs: cdrs(`timeout${i}`, 5) }),
        );
      expect(status).toMatch(/^UNAVAILABLE: the database is busy/);
    } finally {
      await holder.query('rollback').catch(() => undefined);
      await holder.end();
      await admin.query(`alter database ${database} reset statement_timeout`);
      await terminateOthers(admin);
    }
  });

  it('replaces idle connections the server ended (pg_terminate_backend, idle_session_timeout) by itself', async () => {
    const database = new URL(t.database.databaseUrl!).pathname.slice(1);
    const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
    const seen: string[] = [];
    try {
      await admin.query(`alter database ${database} set idle_session_timeout = '300ms'`);
      await terminateOthers(admin);
      for (let i = 0; i < 4; i++) {
        seen.push(await statusOf(ingest.submitCdrs({ requestId: `idle-${i}`, cdrs: cdrs(`idle${i}`, 5) })));
        await new Promise((r) => setTimeout(r, 800));
      }
    } finally {
      await admin.query(`alter database ${database} reset idle_session_timeout`);
      await terminateOthers(admin);
    }
    expect(seen).toEqual(['OK', 'OK', 'OK', 'OK']);
  });

  it('a stream cancelled while its batch commits: no acknowledgement, the batch is stored, the resend is DUPLICATE', async () => {
    const holder = new pg.Client({ connectionString: t.database.databaseUrl });
    await holder.connect();
    await holder.query('begin');
    await holder.query('lock table cdrs in access exclusive mode');
    const batch = cdrs('cancel', 20);
    const abort = new AbortController();
    let acknowledged = 0;
    async function* requests(): AsyncIterable<StreamCdrsRequest> {
      yield { batch: { sequence: '1', cdrs: batch } };
      await new Promise(() => undefined); // the bridge sends nothing more before it cancels
    }
    const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
    const stream = statusOf(
      (async () => {
        for await (const _ of ingest.streamCdrs(requests(), { signal: abort.signal })) acknowledged += 1;
      })(),
    );
    // The batch's insert waits on the lock; the bridge gives up.
    for (let i = 0; i < 50; i++) {
      const { rows } = await admin.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if (rows[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    abort.abort();
    expect(await stream).toMatch(/AbortError/);
    await holder.query('rollback');
    await holder.end();
    // The commit finishes after the cancel, unacknowledged; the bridge resends the batch.
    let stored = 0;
    for (let i = 0; i < 100 && stored < 20; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const { rows } = await admin.query<{ n: number }>(
        `select count(*)::int as n from cdrs where bridge_id = 'b1' and record_id like 'cancel%'`,
      );
      stored = rows[0]!.n;
    }
    expect(stored).toBe(20);
    const again = await ingest.submitCdrs({ requestId: 'resend', cdrs: batch });
    expect(acknowledged).toBe(0);
    expect(again.counts?.duplicate).toBe(20);
  });
});
