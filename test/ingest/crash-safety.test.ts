/**
 * kill -9 mid-stream: every acknowledged record survives exactly once, and a bridge that resends
 * everything unacknowledged after the restart ends with each record stored once, with its charge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { openDatabase } from '../../src/persistence/database';
import { createCustomers } from '../support/customers';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { rowsOf } from '../../src/persistence/sql-helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

function clientFor(service: ServiceProcess) {
  const token = fs.readFileSync(path.join(db.dataDir, 'admin-token'), 'utf8').trim();
  const channel = createChannel(`127.0.0.1:${service.port}`);
  const options = { '*': { metadata: new Metadata({ authorization: `Bearer ${token}` }) } };
  return {
    channel,
    client: createClient(CdrIngestServiceDefinition, channel, options),
    sales: createClient(CustomerServiceDefinition, channel, options),
  };
}

describe('crash safety', () => {
  it('keeps every acknowledged record exactly once across SIGKILL, and a full resend stores each once', async () => {
    const cdrs = [
      ...generateCdrs(
        {
          bridgeId: 'crash-bridge',
          customers: ['CUST-1', 'CUST-2', 'CUST-3'],
          from: new Date('2026-11-06T08:00:00Z'),
        },
        20_000,
      ),
    ];
    const acknowledged = new Set<string>();

    const first = await spawnService(db.env);
    const { channel, client, sales } = clientFor(first);
    await createCustomers(sales, ['CUST-1', 'CUST-2', 'CUST-3']);
    const simulator = new BridgeSimulator(client);
    const killAfterAcks = 8;
    let acks = 0;
    const sending = simulator
      .sendAll(cdrs, {
        batchSize: 250,
        maxReconnects: 0,
        onAck: (results) => {
          for (const r of results) acknowledged.add(r.recordId);
          acks += 1;
          if (acks === killAfterAcks) first.child.kill('SIGKILL');
        },
      })
      .catch((error: unknown) => error);
    expect(await first.exited).toBe('SIGKILL');
    expect(await sending).toBeInstanceOf(Error); // the stream broke mid-way
    channel.close();
    expect(acknowledged.size).toBeGreaterThanOrEqual((killAfterAcks - 1) * 250);
    expect(acknowledged.size).toBeLessThan(cdrs.length);

    // Restart on the same data and resend everything: acknowledged ones come back as duplicates.
    const second = await spawnService(db.env);
    try {
      const again = clientFor(second);
      const report = await new BridgeSimulator(again.client).sendAll(cdrs, { batchSize: 500 });
      again.channel.close();
      for (const r of report.results) {
        if (acknowledged.has(r.recordId)) expect(r.outcome).toBe(CdrOutcome.CDR_OUTCOME_DUPLICATE);
        else expect([CdrOutcome.CDR_OUTCOME_ACCEPTED, CdrOutcome.CDR_OUTCOME_DUPLICATE]).toContain(r.outcome);
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const database = await openDatabase({ databaseUrl: db.databaseUrl, dataDir: db.dataDir });
    try {
      const rows = rowsOf<{ cdrs: number; ids: number; rated: number; charges: number }>(
        await database.orm.em.getKnex().raw(
          `select count(*)::int as cdrs, count(distinct record_id)::int as ids,
                  count(*) filter (where rating_status = 'rated')::int as rated,
                  (select count(*)::int from charges where superseded_at is null) as charges
           from cdrs where bridge_id = 'crash-bridge'`,
        ),
      );
      const counts = rows[0]!;
      expect(counts.cdrs).toBe(cdrs.length);
      expect(counts.ids).toBe(cdrs.length);
      expect(counts.charges).toBe(counts.rated); // every rated CDR has exactly one current charge
      expect(counts.rated).toBeGreaterThan(cdrs.length * 0.9);
    } finally {
      await database.close();
    }
  }, 180_000);
});
