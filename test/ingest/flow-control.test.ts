/**
 * A fast bridge on a slow database: while the database cannot take more, the server stops reading,
 * so the bridge can only get a bounded amount ahead; when it recovers, everything is acknowledged.
 * The "slow database" is real: another session holds a lock on the cdrs table.
 * Runs against the PostgreSQL server (DATABASE_URL); the embedded database has a single connection.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CdrIngestServiceDefinition,
  type StreamCdrsRequest,
} from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { startTestService, type TestService } from '../support/test-service';
import { createCustomers } from '../support/customers';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { streamOf } from '../support/stream-of';

const onServer = Boolean(process.env.DATABASE_URL);
let t: TestService;
beforeAll(async () => {
  if (onServer) {
    t = await startTestService();
    await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['CUST-1']);
  }
});
afterAll(async () => {
  await t?.stop();
});

describe.runIf(onServer)('flow control', () => {
  it('stops reading while the database blocks and resumes when it recovers', async () => {
    const locker = new pg.Client({ connectionString: t.database.databaseUrl });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table cdrs in exclusive mode');

    const batches = 200;
    const batchSize = 500;
    const cdrs = [
      ...generateCdrs(
        { bridgeId: 'slow-db-bridge', customers: ['CUST-1'], from: new Date('2026-11-07T08:00:00Z') },
        batches * batchSize,
      ),
    ];
    let pulled = 0; // batches the transport has taken from the bridge
    function* requests(): Iterable<StreamCdrsRequest> {
      for (let i = 0; i < batches; i++) {
        pulled += 1;
        yield { batch: { sequence: String(i + 1), cdrs: cdrs.slice(i * batchSize, (i + 1) * batchSize) } };
      }
    }
    const client = t.client(CdrIngestServiceDefinition, 'bridge');
    const acks: string[] = [];
    const done = (async () => {
      for await (const ack of client.streamCdrs(streamOf(requests()))) {
        acks.push(ack.sequence);
        expect(ack.results.every((r) => r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED)).toBe(true);
      }
    })();

    await new Promise((r) => setTimeout(r, 3000));
    const pulledWhileBlocked = pulled;
    const rssWhileBlocked = process.memoryUsage().rss;
    expect(acks).toHaveLength(0); // nothing acknowledged that is not committed
    // The server holds two batches (one committing, the next priced) and stops reading; only a
    // few more fit in the HTTP/2, stream and socket buffers; the other ~150 wait at the bridge.
    expect(pulledWhileBlocked).toBeLessThan(60);
    // And it stays there: the bridge gets no further ahead while the database stays blocked.
    await new Promise((r) => setTimeout(r, 1500));
    expect(pulled).toBe(pulledWhileBlocked);

    await locker.query('rollback');
    await locker.end();
    await done;
    expect(acks).toHaveLength(batches);
    expect(acks).toEqual(acks.slice().sort((a, b) => Number(a) - Number(b)));
    expect(rssWhileBlocked).toBeGreaterThan(0);
  }, 120_000);
});
