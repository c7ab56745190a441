/**
 * Headers a client cannot be trusted with: an authorization header far beyond any real token gets
 * a precise answer, and headers beyond the 64 KB the server advertises in its HTTP/2 SETTINGS
 * (SETTINGS_MAX_HEADER_LIST_SIZE, Node's default) end the call at once with a reset stream instead
 * of leaving the client waiting; either way the service stays SERVING.
 */
import * as grpc from '@grpc/grpc-js';
import { Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
let raw: grpc.Client;

beforeAll(async () => {
  t = await startTestService({ env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  raw = new grpc.Client(t.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  raw?.close();
  await t?.stop();
});

function callWithAuthorization(value: string): Promise<grpc.ServiceError | null> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', value);
  return new Promise((resolve) =>
    raw.makeUnaryRequest(
      '/billing.v1.CustomerService/GetCustomer',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      metadata,
      (error) => resolve(error),
    ),
  );
}

describe('oversized authorization headers', () => {
  it('answers a 30 KB token as a malformed header', async () => {
    const error = await callWithAuthorization(`Bearer ${'x'.repeat(30_000)}`);
    expect(error?.code).toBe(Status.UNAUTHENTICATED);
    expect(error?.details).toBe("malformed authorization header: expected 'Bearer <token>'");
  });

  it('ends a call whose headers exceed what HTTP/2 admits, and keeps serving', async () => {
    const error = await callWithAuthorization(`Bearer ${'x'.repeat(200_000)}`);
    expect(error).not.toBeNull(); // an answer, not a hang: the stream is reset by the HTTP/2 layer
    const health = t.client(HealthDefinition);
    expect((await health.check({ service: '' })).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});
