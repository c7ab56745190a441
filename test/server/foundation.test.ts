/**
 * The server's face to every client: health, reflection, authentication and roles, UNIMPLEMENTED
 * for what is not built yet, and metrics, over a real socket.
 */
import http from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { Metadata, Status } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import {
  ServerReflectionRequest,
  type ServerReflectionResponse,
} from 'nice-grpc-server-reflection/lib/proto/grpc/reflection/v1/reflection_pb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { BookingServiceDefinition } from '../../src/gen/billing/v1/booking_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition, RerateChargesRequest } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { unimplementedMethods } from '../../src/transport/grpc/unimplemented';
import { startTestService, type TestService } from '../support/test-service';
import { expectStatus } from '../support/expect-status';
import { methodsOf } from '../support/service-methods';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

/** Asks the reflection service (v1 or v1alpha) one question with a raw grpc-js client. */
function reflect(version: 'v1' | 'v1alpha', fill: (req: ServerReflectionRequest) => void) {
  const definition = Object.fromEntries(
    Object.entries(ServerReflectionService).map(([k, m]) => [
      k,
      { ...m, path: m.path.replace('.v1.', `.${version}.`) },
    ]),
  ) as typeof ServerReflectionService;
  const Client = grpc.makeGenericClientConstructor(definition, 'ServerReflection');
  const client = new Client(t.address, grpc.credentials.createInsecure());
  return new Promise<ServerReflectionResponse>((resolve, reject) => {
    const call = (
      client as unknown as { serverReflectionInfo(): grpc.ClientDuplexStream<ServerReflectionRequest, never> }
    ).serverReflectionInfo();
    call.on('data', (response: ServerReflectionResponse) => {
      resolve(response);
      call.end();
      client.close();
    });
    call.on('error', reject);
    const request = new ServerReflectionRequest();
    fill(request);
    call.write(request);
  });
}

describe('health', () => {
  it('answers SERVING without a token while the database is up', async () => {
    const health = t.client(HealthDefinition);
    const response = await health.check({ service: '' });
    expect(response.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});

describe('reflection', () => {
  it.each(['v1', 'v1alpha'] as const)('lists every billing service (%s)', async (version) => {
    const response = await reflect(version, (r) => r.setListServices('*'));
    const names = response
      .getListServicesResponse()!
      .getServiceList()
      .map((s) => s.getName());
    expect(names).toEqual(
      expect.arrayContaining([
        'billing.v1.CdrIngestService',
        'billing.v1.RatingService',
        'billing.v1.InvoiceService',
        'billing.v1.CustomerService',
        'billing.v1.BookingService',
        'grpc.health.v1.Health',
      ]),
    );
  });

  it('describes a service so a client can build requests without .proto files', async () => {
    const response = await reflect('v1', (r) => r.setFileContainingSymbol('billing.v1.CdrIngestService'));
    const files = response.getFileDescriptorResponse()!.getFileDescriptorProtoList();
    expect(files.length).toBeGreaterThan(0);
    const text = Buffer.concat(files.map((f) => Buffer.from(f as Uint8Array))).toString('latin1');
    expect(text).toContain('StreamCdrs');
    expect(text).toContain('billing/v1/cdr_ingest_service.proto');
  });
});

describe('authentication and roles', () => {
  it('refuses a call without a token with UNAUTHENTICATED', async () => {
    const error = await expectStatus(
      t.client(CdrIngestServiceDefinition).submitCdrs({ requestId: 'r1', cdrs: [] }),
      Status.UNAUTHENTICATED,
    );
    expect(error.details).toMatch(/bearer token/);
  });

  it('refuses an unknown token with UNAUTHENTICATED', async () => {
    const { Metadata } = await import('nice-grpc');
    const client = t.client(CdrIngestServiceDefinition);
    await expectStatus(
      client.submitCdrs(
        { requestId: 'r1', cdrs: [] },
        { metadata: new Metadata({ authorization: 'Bearer not-a-real-token-at-all' }) },
      ),
      Status.UNAUTHENTICATED,
    );
  });

  it('refuses a known token whose role the RPC does not admit with PERMISSION_DENIED', async () => {
    const error = await expectStatus(
      t.client(CdrIngestServiceDefinition, 'reservations').submitCdrs({ requestId: 'r1', cdrs: [] }),
      Status.PERMISSION_DENIED,
    );
    expect(error.details).toContain('reservations');
    await expectStatus(
      t.client(InvoiceServiceDefinition, 'bridge').listInvoices({}),
      Status.PERMISSION_DENIED,
    );
  });

  it('admits the role the RPC declares (the call then fails only on its own merits)', async () => {
    const error = await expectStatus(
      t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({ requestId: 'r1', cdrs: [] }),
      Status.INVALID_ARGUMENT,
    );
    expect(error.details).toContain('cdrs: a batch needs at least one CDR');
  });
});

describe('the contract is built', () => {
  it('answers every unary RPC of every service on its merits, none with UNIMPLEMENTED', async () => {
    const services = [
      BookingServiceDefinition,
      CdrIngestServiceDefinition,
      CustomerServiceDefinition,
      InvoiceServiceDefinition,
      RatingServiceDefinition,
    ];
    let unary = 0;
    for (const definition of services) {
      const client = t.client(definition, 'admin') as unknown as Record<
        string,
        (request: object) => Promise<unknown>
      >;
      for (const { key, ...method } of methodsOf(definition)) {
        if (method.requestStream || method.responseStream) continue;
        unary += 1;
        const code = await client[key]!({}).then(
          () => Status.OK,
          (error: { code?: Status }) => error.code,
        );
        expect({ method: `${definition.fullName}/${method.name}`, code }).not.toEqual({
          method: `${definition.fullName}/${method.name}`,
          code: Status.UNIMPLEMENTED,
        });
      }
    }
    expect(unary).toBeGreaterThan(20);
  });

  it('would answer UNIMPLEMENTED for a method nobody built, never a made-up result', async () => {
    const fallback = unimplementedMethods(InvoiceServiceDefinition);
    const context = {
      metadata: Metadata(),
      peer: 'test',
      header: Metadata(),
      sendHeader: () => {},
      trailer: Metadata(),
      signal: new AbortController().signal,
    };
    await expect(fallback.rerateCharges(RerateChargesRequest.fromPartial({}), context)).rejects.toMatchObject(
      {
        code: Status.UNIMPLEMENTED,
        details: 'billing.v1.InvoiceService/RerateCharges is not implemented yet',
      },
    );
  });
});

describe('metrics', () => {
  it('counts RPCs per method and status code on the metrics port', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${t.service.metricsPort}/metrics`, (res) => {
          let data = '';
          res.on('data', (chunk) => (data += chunk));
          res.on('end', () => resolve(data));
        })
        .on('error', reject);
    });
    expect(body).toMatch(
      /grpc_server_handled_total\{grpc_service="billing.v1.CdrIngestService",grpc_method="SubmitCdrs",grpc_code="UNAUTHENTICATED"\} [1-9]/,
    );
    expect(body).toContain('grpc_server_handling_seconds_bucket');
  });
});
