/**
 * Hostile load on `billing serve` as an operator runs it: its own process, with the production heap
 * flags (those of package.json's start script, see test/support/service-heap-flags.ts), so its
 * memory can be read.
 *
 * 20 clients without a token and 5 bridges, all at once, each send one StreamCdrs message and one
 * SubmitCdrs request of the largest size the server accepts (BILLING_MAX_MESSAGE_BYTES), filled with
 * empty CDRs: two bytes each on the wire, millions of objects once decoded. A bridge that sends this
 * by mistake, or anyone who can reach the port, must not take the service down for everyone:
 *
 * - every call gets an answer: UNAUTHENTICATED without a token; INVALID_ARGUMENT (a batch holds at
 *   most 1000 CDRs) or RESOURCE_EXHAUSTED for the bridges;
 * - afterwards the process is alive and its health check says SERVING;
 * - its peak resident memory stays under the old-space limit plus MARGIN_MIB (see there).
 */
import fs from 'node:fs';
import path from 'node:path';
import { status as Code } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { StreamCdrsRequest, SubmitCdrsRequest } from '../../src/gen/billing/v1/cdr_ingest_service';
import { emptyCdrCount, streamRequestOfEmptyCdrs, submitOfEmptyCdrs } from '../fuzz/support/empty-cdrs';
import { memoryOf, watchMemory } from '../fuzz/support/process-memory';
import {
  bearer,
  healthStatus,
  rawClient,
  streamingCall,
  unaryCall,
  type Answer,
} from '../fuzz/support/raw-calls';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { SERVICE_OLD_SPACE_MIB, SERVICE_SEMI_SPACE_MIB } from '../support/service-heap-flags';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/** The server's configured limit: the documented default (README, BILLING_MAX_MESSAGE_BYTES). */
const MAX_MESSAGE_BYTES = loadConfig({}).maxMessageBytes;
/** --max-old-space-size of `npm start` and spawnService. */
const OLD_SPACE_MIB = SERVICE_OLD_SPACE_MIB;
/**
 * What a process needs beyond its old space: the young generation (three semi-spaces of
 * --max-semi-space-size), and 104 MiB for code, the runtime and gRPC's buffers for the messages
 * being received. On a PostgreSQL server the peak must stay under OLD_SPACE_MIB + MARGIN_MIB
 * (measured here with 32 MiB semi-spaces: 300 MiB peak against a limit of 584). With the embedded
 * database, PostgreSQL itself (PGlite, WebAssembly, outside the V8 heap) lives in the process too,
 * 250-350 MiB here; there the flood may raise the process's peak (VmHWM after start-up, about
 * 520 MiB here) by at most MARGIN_MIB (measured: 566 MiB).
 */
const MARGIN_MIB = 3 * SERVICE_SEMI_SPACE_MIB + 104;
const UNAUTHENTICATED_CLIENTS = 20;
const BRIDGE_CLIENTS = 5;
const BRIDGE_TOKEN = 'hostile-load-bridge-token-0123456789';

const STREAM_CDRS = '/billing.v1.CdrIngestService/StreamCdrs';
const SUBMIT_CDRS = '/billing.v1.CdrIngestService/SubmitCdrs';

let db: TestDatabase;
let service: ServiceProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  const tokensFile = path.join(db.dataDir, 'tokens.json');
  fs.writeFileSync(
    tokensFile,
    JSON.stringify({
      tokens: [{ name: 'bridge-1', role: 'bridge', bridgeIds: ['hostile-bridge'], token: BRIDGE_TOKEN }],
    }),
  );
  service = await spawnService({
    ...db.env,
    BILLING_TOKENS_FILE: tokensFile,
    BILLING_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
  });
}, 60_000);

afterAll(async () => {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  await db?.drop();
});

/** One client (its own connection) sending both messages at once; both answers. */
async function attack(token: string | undefined, stream: Buffer, submit: Buffer): Promise<Answer[]> {
  const client = rawClient(`127.0.0.1:${service.port}`);
  try {
    return await Promise.all([
      streamingCall(client, STREAM_CDRS, 'bidi_streaming', [stream], bearer(token)),
      unaryCall(client, SUBMIT_CDRS, submit, bearer(token)),
    ]);
  } finally {
    client.close();
  }
}

/** How many calls ended with each status code, e.g. { UNAUTHENTICATED: 40 }. */
function tally(answers: Answer[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { code } of answers.flat()) counts[Code[code] ?? code] = (counts[Code[code] ?? code] ?? 0) + 1;
  return counts;
}

describe('a flood of maximum-size messages of empty CDRs', () => {
  it('is built as claimed: exactly the size asked for, all of it empty CDRs', () => {
    for (const size of [101, 102, 1_000, 100_003]) {
      const stream = streamRequestOfEmptyCdrs(size);
      const submit = submitOfEmptyCdrs(size);
      expect([stream.length, submit.length]).toEqual([size, size]);
      expect(StreamCdrsRequest.decode(stream).batch?.cdrs).toHaveLength(emptyCdrCount(stream));
      expect(SubmitCdrsRequest.decode(submit).cdrs).toHaveLength(emptyCdrCount(submit));
    }
    const full = streamRequestOfEmptyCdrs(MAX_MESSAGE_BYTES);
    expect(full.length).toBe(MAX_MESSAGE_BYTES);
    expect(emptyCdrCount(full)).toBeGreaterThan(MAX_MESSAGE_BYTES / 2 - 8);
  });

  it(`from ${UNAUTHENTICATED_CLIENTS} clients without a token and ${BRIDGE_CLIENTS} bridges at once: every call answered, the service alive and SERVING, memory bounded`, async () => {
    const stream = streamRequestOfEmptyCdrs(MAX_MESSAGE_BYTES);
    const submit = submitOfEmptyCdrs(MAX_MESSAGE_BYTES);
    const pid = service.child.pid!;
    const atRest = memoryOf(pid)!;
    const memory = watchMemory(pid);

    const [strangers, bridges] = await Promise.all([
      Promise.all(Array.from({ length: UNAUTHENTICATED_CLIENTS }, () => attack(undefined, stream, submit))),
      Promise.all(Array.from({ length: BRIDGE_CLIENTS }, () => attack(BRIDGE_TOKEN, stream, submit))),
    ]);
    const seen = memory.stop();
    // VmHWM only grows: past its value at rest, it is the flood's peak; below it, the sampled RSS is.
    const peakMiB = seen.peakMiB > atRest.peakMiB ? seen.peakMiB : seen.rssMiB;
    const [limitMiB, limitIs] = db.databaseUrl
      ? [OLD_SPACE_MIB + MARGIN_MIB, `old space ${OLD_SPACE_MIB} + ${MARGIN_MIB}`]
      : [
          atRest.peakMiB + MARGIN_MIB,
          `embedded database: start-up peak ${atRest.peakMiB.toFixed(0)} + ${MARGIN_MIB}`,
        ];
    const alive = service.child.exitCode === null && service.child.signalCode === null;
    const health = alive ? await healthStatus(`127.0.0.1:${service.port}`) : 'process gone';
    const [strangerCodes, bridgeCodes] = [tally(strangers), tally(bridges)];
    console.info(
      `hostile load, ${MAX_MESSAGE_BYTES} bytes a message: peak RSS ${peakMiB.toFixed(0)} MiB (limit ${limitMiB.toFixed(0)}: ${limitIs}); ` +
        `exit ${service.child.exitCode ?? service.child.signalCode ?? 'none'}; health ${health}; ` +
        `answers without a token ${JSON.stringify(strangerCodes)}, to bridges ${JSON.stringify(bridgeCodes)}`,
    );

    expect
      .soft(strangerCodes, 'answers to the clients without a token')
      .toEqual({ UNAUTHENTICATED: UNAUTHENTICATED_CLIENTS * 2 });
    const refusals = ['INVALID_ARGUMENT', 'RESOURCE_EXHAUSTED'];
    expect
      .soft(
        Object.keys(bridgeCodes).filter((c) => !refusals.includes(c)),
        `answers to the bridges other than ${refusals.join(' or ')}`,
      )
      .toEqual([]);
    expect
      .soft(
        alive,
        `the service process is alive (exit: ${service.child.exitCode ?? service.child.signalCode})`,
      )
      .toBe(true);
    expect.soft(health, 'health check after the flood').toBe('SERVING');
    expect
      .soft(peakMiB, `peak resident memory during the flood, MiB (limit: ${limitIs})`)
      .toBeLessThan(limitMiB);
  }, 300_000);
});
