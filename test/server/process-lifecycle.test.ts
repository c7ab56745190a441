/** The service as an operator runs it: `billing serve`, SIGTERM, restart on the same data. */
import fs from 'node:fs';
import path from 'node:path';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { spawnService } from '../support/service-process';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const cdr = {
  bridgeId: 'lifecycle-bridge',
  recordId: 'rec-1',
  conferenceId: 'conf-1',
  bookingId: '',
  customerAccount: 'CUST-1',
  accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
  callerNumber: '+46701234567',
  calledNumber: '+46812345678',
  startTime: new Date('2026-11-02T10:00:00Z'),
  answerTime: new Date('2026-11-02T10:00:05Z'),
  endTime: new Date('2026-11-02T10:10:05Z'),
  durationSeconds: 600,
  features: [],
};

async function submit(port: number, token: string, requestId: string) {
  const channel = createChannel(`127.0.0.1:${port}`);
  try {
    const client = createClient(CdrIngestServiceDefinition, channel, {
      '*': { metadata: new Metadata({ authorization: `Bearer ${token}` }) },
    });
    return await client.submitCdrs({ requestId, cdrs: [cdr] });
  } finally {
    channel.close();
  }
}

describe('billing serve', () => {
  it('creates an admin token on first start, stops gracefully on SIGTERM, and finds its data after a restart', async () => {
    const first = await spawnService(db.env);
    const tokenFile = path.join(db.dataDir, 'admin-token');
    expect(fs.existsSync(tokenFile)).toBe(true);
    expect(first.logs.some((l) => l.tokenFile === tokenFile)).toBe(true);
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(JSON.stringify(first.logs)).not.toContain(token); // the token itself is never logged

    const stored = await submit(first.port, token, 'lifecycle-1');
    expect(stored.results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_ACCEPTED);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Stopped by draining, not by the forced cancel at BILLING_SHUTDOWN_TIMEOUT_MS.
    expect(first.logs.find((l) => l.msg === 'gRPC server stopped')?.how).toBe('graceful');

    const second = await spawnService(db.env);
    try {
      // Same token (kept in the data directory) and the same CDR: the database still has it.
      const again = await submit(second.port, fs.readFileSync(tokenFile, 'utf8').trim(), 'lifecycle-2');
      expect(again.results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_DUPLICATE);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 90_000);
});
