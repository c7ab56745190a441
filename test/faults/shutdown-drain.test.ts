/**
 * SIGTERM's drain (RunningService.stop) under work that cannot finish by itself: a CDR stream
 * waiting for the bridge's next batch ends at once with UNAVAILABLE (the bridge reconnects), and a
 * scheduled close stuck behind a database lock neither keeps the gRPC server serving nor holds the
 * stop past its timeout: the database rolls the close back when the process exits.
 */
import { ClientError, Status } from 'nice-grpc';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  CdrIngestServiceDefinition,
  type StreamCdrsRequest,
} from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { createCustomers } from '../support/customers';
import { startTestService } from '../support/test-service';
import { insertCharges, insertCustomers } from '../invoicing-service/support';

async function statusOf(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'OK',
    (e: unknown) => (e instanceof ClientError ? Status[e.code] : String(e)),
  );
}

describe('stopping the service', () => {
  it('ends a CDR stream waiting for its next batch with UNAVAILABLE, gracefully', async () => {
    // A long timeout: were the idle stream left to it, the stop would be 'forced' and the bridge see CANCELLED.
    const t = await startTestService({ env: { BILLING_SHUTDOWN_TIMEOUT_MS: '60000' } });
    await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CUST-1']);
    const batch = [
      ...generateCdrs(
        {
          bridgeId: 'b1',
          customers: ['CUST-1'],
          from: new Date('2026-11-10T08:00:00Z'),
          recordPrefix: 'idle',
        },
        10,
      ),
    ];
    let release!: () => void;
    const bridgeHasMore = new Promise<void>((resolve) => (release = resolve));
    async function* requests(): AsyncIterable<StreamCdrsRequest> {
      yield { batch: { sequence: '1', cdrs: batch } };
      await bridgeHasMore;
    }
    let acknowledged!: () => void;
    const firstAck = new Promise<void>((resolve) => (acknowledged = resolve));
    const stream = statusOf(
      (async () => {
        for await (const _ of t.client(CdrIngestServiceDefinition, 'bridge').streamCdrs(requests()))
          acknowledged();
      })(),
    );
    await firstAck;
    try {
      expect(await t.service.stop()).toBe('graceful');
      expect(await stream).toBe('UNAVAILABLE');
    } finally {
      release();
      await t.database.drop();
    }
  });

  it.runIf(Boolean(process.env.DATABASE_URL))(
    'stops serving and returns by its timeout while a scheduled close waits on a lock',
    async () => {
      const t = await startTestService({
        env: { BILLING_CLOSE_INTERVAL_MS: '100', BILLING_SHUTDOWN_TIMEOUT_MS: '1000' },
      });
      const holder = new pg.Client({ connectionString: t.database.databaseUrl! });
      await holder.connect();
      try {
        await holder.query('begin');
        await holder.query('lock table period_closings in access exclusive mode');
        await insertCustomers(t.service.database, [{ account: 'stuck-1' }]);
        await insertCharges(t.service.database, [
          { account: 'stuck-1', start: '2026-09-10T10:00:00Z', seconds: 60, amount: '1' },
        ]);
        // Ready when the scheduler's run waits on the lock.
        await expect
          .poll(
            async () =>
              (
                await holder.query<{ n: number }>(
                  `select count(*)::int as n from pg_stat_activity
                    where datname = current_database() and wait_event_type = 'Lock'`,
                )
              ).rows[0]!.n,
            { timeout: 30_000, interval: 50 },
          )
          .toBeGreaterThan(0);
        // The lock is held until the stop has returned: before the fix the stop waited for it.
        expect(await t.service.stop()).toBe('forced');
        const call = t.client(CustomerServiceDefinition, 'sales').getCustomer({ externalId: 'stuck-1' });
        expect(await statusOf(call)).toBe('UNAVAILABLE');
      } finally {
        await holder.query('rollback').catch(() => undefined);
        await holder.end();
        await t.database.drop();
      }
    },
  );
});
