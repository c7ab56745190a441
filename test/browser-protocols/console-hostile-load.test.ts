/**
 * The browser console's port under the flood the gRPC port withstands (test/server/hostile-load):
 * `billing serve` in its own process with the heap flags of `npm start`, console on. A request
 * without a token is refused on its headers before its body is read; a bridge's request of
 * millions of empty CDRs is refused by the same wire guard and limits as on the gRPC port, before
 * connect decodes it. Afterwards the process is alive and SERVING, its memory bounded.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config';
import { submitOfEmptyCdrs } from '../fuzz/support/empty-cdrs';
import { memoryOf, watchMemory } from '../fuzz/support/process-memory';
import { healthStatus } from '../fuzz/support/raw-calls';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { SERVICE_OLD_SPACE_MIB, SERVICE_SEMI_SPACE_MIB } from '../support/service-heap-flags';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const MAX_MESSAGE_BYTES = loadConfig({}).maxMessageBytes;
/** As in test/server/hostile-load.test.ts: young generation plus code, runtime and buffers. */
const MARGIN_MIB = 3 * SERVICE_SEMI_SPACE_MIB + 104;
const STRANGERS = 10;
const BRIDGE_TOKEN = 'console-hostile-bridge-token-0123456789';
const SALES_TOKEN = 'console-hostile-sales-token-0123456789';
const SUBMIT_CDRS = '/billing.v1.CdrIngestService/SubmitCdrs';
const CONNECT_PROTO = { 'content-type': 'application/proto', 'connect-protocol-version': '1' };

let db: TestDatabase;
let service: ServiceProcess;
let consolePort = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  const tokensFile = path.join(db.dataDir, 'tokens.json');
  fs.writeFileSync(
    tokensFile,
    JSON.stringify({
      tokens: [
        { name: 'bridge-1', role: 'bridge', bridgeIds: ['console-bridge'], token: BRIDGE_TOKEN },
        { name: 'sales-1', role: 'sales', token: SALES_TOKEN },
      ],
    }),
  );
  service = await spawnService({
    ...db.env,
    BILLING_TOKENS_FILE: tokensFile,
    BILLING_CONSOLE_ADDR: '127.0.0.1:0',
    BILLING_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
  });
  const serving = service.logs.find((l) => l.msg === 'billing service serving')!;
  consolePort = Number(new URL(String(serving.console)).port);
}, 120_000);

afterAll(async () => {
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  await db?.drop();
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * POSTs `body` to the console. With `hold`, the body is sent only in part and never finished:
 * the answer can then only come from the headers.
 */
function post(rpcPath: string, headers: Record<string, string>, body: Buffer, hold = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: consolePort, method: 'POST', path: rpcPath, headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text });
          if (hold) request.destroy();
        });
      },
    );
    request.on('error', (error) => {
      if (!hold) reject(error);
    });
    if (hold) request.write(body.subarray(0, 64 * 1024));
    else request.end(body);
  });
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** A gRPC-Web message: flags (0 for data), length, bytes. */
function grpcWebFrame(message: Buffer, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

describe('the console refuses before it reads or decodes', () => {
  it('answers a call without a token from its headers, before its body has been sent', async () => {
    const body = submitOfEmptyCdrs(MAX_MESSAGE_BYTES);
    const reply = await post(
      SUBMIT_CDRS,
      { ...CONNECT_PROTO, 'content-length': String(body.length) },
      body,
      true,
    );
    expect(reply.status).toBe(401);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers a role the table does not admit with permission_denied, unread', async () => {
    const body = submitOfEmptyCdrs(MAX_MESSAGE_BYTES);
    const reply = await post(
      SUBMIT_CDRS,
      { ...CONNECT_PROTO, ...bearer(SALES_TOKEN), 'content-length': String(body.length) },
      body,
      true,
    );
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toMatchObject({
      code: 'permission_denied',
      message: 'role sales may not call billing.v1.CdrIngestService/SubmitCdrs',
    });
  });

  it('refuses a bridge batch over the list limit as the gRPC port does, in Connect, JSON and gRPC-Web', async () => {
    const cdrs = submitOfEmptyCdrs(MAX_MESSAGE_BYTES);
    const binary = await post(SUBMIT_CDRS, { ...CONNECT_PROTO, ...bearer(BRIDGE_TOKEN) }, cdrs);
    expect(binary.status).toBe(400);
    expect(JSON.parse(binary.body)).toMatchObject({
      code: 'invalid_argument',
      message: 'cdrs: at most 1000 entries',
    });

    const json = Buffer.from(`{"requestId":"j","cdrs":[${Array(1_000_000).fill('{}').join(',')}]}`);
    const parsed = await post(
      SUBMIT_CDRS,
      { 'content-type': 'application/json', 'connect-protocol-version': '1', ...bearer(BRIDGE_TOKEN) },
      json,
    );
    expect(parsed.status).toBe(400);
    expect(JSON.parse(parsed.body)).toMatchObject({ code: 'invalid_argument' });

    const web = await post(
      SUBMIT_CDRS,
      { 'content-type': 'application/grpc-web+proto', ...bearer(BRIDGE_TOKEN) },
      grpcWebFrame(submitOfEmptyCdrs(MAX_MESSAGE_BYTES - 5)),
    );
    // gRPC-Web sends the status in a trailer frame at the end of the body.
    const trailer = decodeURIComponent(web.body);
    expect(trailer).toContain('grpc-status: 3'); // INVALID_ARGUMENT
    expect(trailer).toContain('grpc-message: cdrs: at most 1000 entries');

    // An envelope flagged as anything but data (Connect's end flag is another bit, so connect would
    // take this one as a message) is refused too, not passed on unchecked.
    for (const flags of [0x02, 0x04]) {
      const flagged = await post(
        SUBMIT_CDRS,
        { 'content-type': 'application/grpc-web+proto', ...bearer(BRIDGE_TOKEN) },
        grpcWebFrame(submitOfEmptyCdrs(MAX_MESSAGE_BYTES - 5), flags),
      );
      expect(decodeURIComponent(flagged.body)).toContain('grpc-status: 3');
      expect(decodeURIComponent(flagged.body)).toContain(`envelope flags ${flags}`);
    }
  });

  it('refuses a message over the gRPC port maximum with resource_exhausted', async () => {
    const body = submitOfEmptyCdrs(MAX_MESSAGE_BYTES + 2);
    const reply = await post(SUBMIT_CDRS, { ...CONNECT_PROTO, ...bearer(BRIDGE_TOKEN) }, body);
    expect(reply.status).toBe(429);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 'resource_exhausted' });
  });

  it(`survives ${STRANGERS} strangers and a bridge flooding it at once: alive, SERVING, memory bounded`, async () => {
    const body = submitOfEmptyCdrs(MAX_MESSAGE_BYTES);
    const pid = service.child.pid!;
    const atRest = memoryOf(pid)!;
    const memory = watchMemory(pid);
    const replies = await Promise.all([
      ...Array.from({ length: STRANGERS }, () => post(SUBMIT_CDRS, CONNECT_PROTO, body)),
      ...Array.from({ length: 3 }, () =>
        post(SUBMIT_CDRS, { ...CONNECT_PROTO, ...bearer(BRIDGE_TOKEN) }, body),
      ),
    ]);
    const seen = memory.stop();
    const peakMiB = seen.peakMiB > atRest.peakMiB ? seen.peakMiB : seen.rssMiB;
    const limitMiB = db.databaseUrl ? SERVICE_OLD_SPACE_MIB + MARGIN_MIB : atRest.peakMiB + MARGIN_MIB;
    const alive = service.child.exitCode === null && service.child.signalCode === null;
    console.info(`console flood: peak RSS ${peakMiB.toFixed(0)} MiB (limit ${limitMiB.toFixed(0)})`);
    expect(replies.map((r) => r.status)).toEqual([...Array<number>(STRANGERS).fill(401), 400, 400, 400]);
    expect(alive).toBe(true);
    expect(await healthStatus(`127.0.0.1:${service.port}`)).toBe('SERVING');
    expect(peakMiB).toBeLessThan(limitMiB);
  }, 120_000);
});
