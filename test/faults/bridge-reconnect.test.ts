/**
 * The bridge simulator against a service that misbehaves on purpose (a small gRPC server speaking
 * the real CdrIngestService contract): a stream that goes silent, a stream broken with UNAVAILABLE
 * after one acknowledgement, a refusal, and no server at all. It resends exactly what was not
 * acknowledged, backs off exponentially while nothing moves, and stops at once on a refusal.
 */
import net from 'node:net';
import {
  ClientError,
  createChannel,
  createClient,
  createServer,
  ServerError,
  Status,
  type Channel,
  type Server,
} from 'nice-grpc';
import { afterEach, describe, expect, it } from 'vitest';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import {
  CdrIngestServiceDefinition,
  type StreamCdrsRequest,
} from '../../src/gen/billing/v1/cdr_ingest_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { backoffDelay } from '../../src/simulator/reconnect-policy';
import { unimplementedMethods } from '../../src/transport/grpc/unimplemented';

type Behaviour = 'go-silent' | 'ack-one-then-unavailable' | 'ack-all' | 'deny';

const cdrs = [
  ...generateCdrs({ bridgeId: 'b1', customers: ['CUST-1'], from: new Date('2026-11-10T08:00:00Z') }, 30),
];
let server: Server | undefined;
let channel: Channel | undefined;

afterEach(() => {
  channel?.close();
  server?.forceShutdown();
  server = undefined;
  channel = undefined;
});

/** Serves StreamCdrs, one behaviour per call in turn; records the batch sequences each call read. */
async function misbehavingService(behaviours: Behaviour[]) {
  const received: number[][] = [];
  server = createServer();
  server.add(CdrIngestServiceDefinition, {
    ...unimplementedMethods(CdrIngestServiceDefinition),
    async *streamCdrs(requests: AsyncIterable<StreamCdrsRequest>) {
      const behaviour = behaviours[received.length] ?? 'ack-all';
      const seen: number[] = [];
      received.push(seen);
      if (behaviour === 'deny') throw new ServerError(Status.PERMISSION_DENIED, 'not your bridge');
      for await (const request of requests) {
        seen.push(Number(request.batch!.sequence));
        if (behaviour === 'go-silent') continue;
        yield {
          sequence: request.batch!.sequence,
          results: request.batch!.cdrs.map((c) => ({
            bridgeId: c.bridgeId,
            recordId: c.recordId,
            outcome: CdrOutcome.CDR_OUTCOME_ACCEPTED,
          })),
        };
        if (behaviour === 'ack-one-then-unavailable')
          throw new ServerError(Status.UNAVAILABLE, 'the database is unavailable; retry with backoff');
      }
    },
  });
  const port = await server.listen('127.0.0.1:0');
  channel = createChannel(`127.0.0.1:${port}`);
  return { client: createClient(CdrIngestServiceDefinition, channel), received };
}

describe('bridge simulator reconnects', () => {
  it('abandons a silent stream, survives UNAVAILABLE, and resends only what was not acknowledged', async () => {
    const { client, received } = await misbehavingService([
      'go-silent',
      'ack-one-then-unavailable',
      'ack-all',
    ]);
    const broken: string[] = [];
    const report = await new BridgeSimulator(client).sendAll(cdrs, {
      batchSize: 10,
      stallTimeoutMs: 1_000,
      reconnectDelayMs: 10,
      onDisconnect: (error) =>
        broken.push(error instanceof ClientError ? Status[error.code] : (error as Error).name),
    });

    expect(broken).toEqual(['StalledStreamError', 'UNAVAILABLE']);
    expect(report.reconnects).toBe(2);
    expect(received[0]).toEqual([1, 2, 3]); // all sent, none acknowledged
    expect(received[1]![0]).toBe(1); // resent, acknowledged, then the stream broke
    expect(received[2]).toEqual([2, 3]); // batch 1 was acknowledged: never sent again
    expect(report.results.map((r) => r.recordId)).toEqual(cdrs.map((c) => c.recordId));
  });

  it('stops at once on a refusal: resending cannot change PERMISSION_DENIED', async () => {
    const { client, received } = await misbehavingService(['deny']);
    let reconnects = 0;
    const error = await new BridgeSimulator(client)
      .sendAll(cdrs, { batchSize: 10, reconnectDelayMs: 10, onDisconnect: () => (reconnects += 1) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe(Status.PERMISSION_DENIED);
    expect(reconnects).toBe(0);
    expect(received).toHaveLength(1);
  });

  it('backs off exponentially while no server answers, and gives up after maxReconnects', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    channel = createChannel(`127.0.0.1:${port}`);

    const delays: number[] = [];
    const error = await new BridgeSimulator(createClient(CdrIngestServiceDefinition, channel))
      .sendAll(cdrs, {
        reconnectDelayMs: 8,
        maxReconnectDelayMs: 1_000,
        maxReconnects: 4,
        onDisconnect: (_e, delay) => delays.push(delay),
      })
      .catch((e: unknown) => e);
    expect((error as ClientError).code).toBe(Status.UNAVAILABLE);
    expect(delays).toHaveLength(4);
    // Attempt n waits between half of and all of 8 ms * 2^n.
    delays.forEach((delay, i) => {
      const ceiling = 8 * 2 ** (i + 1);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    });
  });

  it('caps the backoff', () => {
    expect(backoffDelay(0, 100, 5_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 5_000, () => 1)).toBe(800);
    expect(backoffDelay(40, 100, 5_000, () => 1)).toBe(5_000);
    expect(backoffDelay(40, 100, 5_000, () => 0)).toBe(2_500);
  });
});
