/**
 * The browser console's server (src/transport/browser): the same services over the Connect
 * protocol and gRPC-Web on HTTP/1.1, with the gRPC server's auth, role table and input checks,
 * CORS for configured origins only, and the console's static files.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient, type Transport } from '@connectrpc/connect';
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from '@connectrpc/connect-node';
import { BadRequest } from 'nice-grpc-error-details';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles';
import { BookingService } from '../../src/gen/es/billing/v1/booking_service_pb';
import { CustomerService } from '../../src/gen/es/billing/v1/customer_service_pb';
import { InvoiceService } from '../../src/gen/es/billing/v1/invoice_service_pb';
import { RatingService } from '../../src/gen/es/billing/v1/rating_service_pb';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { startBrowserServer } from '../../src/transport/browser/browser-server';
import { CallerLanes } from '../../src/transport/browser/caller-lanes';
import { CONTENT_SECURITY_POLICY, NOT_BUILT_MESSAGE } from '../../src/transport/browser/static-files';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';

const ALLOWED_ORIGIN = 'http://console-dev.example:5173';
const INDEX_HTML = '<!doctype html><html><body><div id="root"></div></body></html>';
const ASSET = 'assets/index-3f2a9c1b.js';

let t: TestService;
let consoleDir: string;
let baseUrl: string;

beforeAll(async () => {
  consoleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-console-'));
  fs.mkdirSync(path.join(consoleDir, 'assets'));
  fs.writeFileSync(path.join(consoleDir, 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(consoleDir, ASSET), 'console.log("console");');
  t = await startTestService({
    env: {
      BILLING_CONSOLE_ADDR: '127.0.0.1:0',
      BILLING_CONSOLE_CORS_ORIGINS: ALLOWED_ORIGIN,
      BILLING_CONSOLE_DIR: consoleDir,
    },
  });
  baseUrl = `http://127.0.0.1:${t.service.consolePort}`;
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['WEB-1']);
}, 60_000);

afterAll(async () => {
  await t?.stop();
  fs.rmSync(consoleDir, { recursive: true, force: true });
});

const protocols: [string, () => Transport][] = [
  ['Connect (JSON)', () => createConnectTransport({ baseUrl, httpVersion: '1.1' })],
  ['Connect (binary)', () => createConnectTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: true })],
  ['gRPC-Web', () => createGrpcWebTransport({ baseUrl, httpVersion: '1.1' })],
];

function bearer(role: Role): { headers: Record<string, string> } {
  return { headers: { authorization: `Bearer ${t.tokenFor(role)}` } };
}

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectError);
  return error as ConnectError;
}

describe.each(protocols)('over %s', (_name, transport) => {
  it('answers a read with a valid token', async () => {
    const customers = createClient(CustomerService, transport());
    const page = await customers.listCustomers({ query: 'WEB-1' }, bearer('sales'));
    expect(page.customers.map((c) => c.externalId)).toContain('WEB-1');
    const rating = createClient(RatingService, transport());
    const active = await rating.getActiveRuleSet({}, bearer('finance'));
    expect(active.ruleSet?.ref?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a wrong token and a role the table does not admit', async () => {
    const invoices = createClient(InvoiceService, transport());
    const unknown = await refusal(
      invoices.listInvoices({}, { headers: { authorization: 'Bearer not-a-token-of-anyone-0000' } }),
    );
    expect(unknown.code).toBe(Code.Unauthenticated);
    const missing = await refusal(invoices.listInvoices({}));
    expect(missing.code).toBe(Code.Unauthenticated);
    const denied = await refusal(
      invoices.issueInvoice({ requestId: 'web-issue-1', invoiceId: 'x' }, bearer('sales')),
    );
    expect(denied.code).toBe(Code.PermissionDenied);
    expect(denied.rawMessage).toContain('role sales may not call billing.v1.InvoiceService/IssueInvoice');
  });

  it('refuses bad input with INVALID_ARGUMENT and the field violations as details', async () => {
    const customers = createClient(CustomerService, transport());
    const error = await refusal(
      customers.upsertCustomer(
        {
          requestId: `web-bad-${_name}`,
          customer: { externalId: 'WEB-BAD', name: 'Bad AB', currencyCode: 'SEKK', countryCode: 'SE' },
        },
        bearer('sales'),
      ),
    );
    expect(error.code).toBe(Code.InvalidArgument);
    const badRequest = error.details.find((d) => 'type' in d && d.type === 'google.rpc.BadRequest');
    expect(badRequest, 'a google.rpc.BadRequest detail').toBeDefined();
    const violations = BadRequest.decode((badRequest as { value: Uint8Array }).value).fieldViolations;
    expect(violations.map((v) => v.field)).toContain('customer.currency_code');
  });
});

describe('streaming', () => {
  it('serves a server stream (WatchBookings) over Connect, with the bridge token', async () => {
    const transport = createConnectTransport({ baseUrl, httpVersion: '1.1' });
    const bookings = createClient(BookingService, transport);
    const { booking } = await bookings.createBooking(
      {
        requestId: 'web-book-1',
        booking: {
          customerAccount: 'WEB-1',
          bridgeId: 'bridge-watch',
          title: 'browser call',
          scheduledStart: timestampFromDate(new Date(Date.now() + 3 * 3_600_000)),
          expectedDurationSeconds: 1800,
          expectedParticipants: 3,
        },
      },
      bearer('reservations'),
    );
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10_000);
    let seen: string | undefined;
    try {
      for await (const m of bookings.watchBookings(
        { bridgeId: 'bridge-watch', afterCursor: '' },
        { ...bearer('bridge'), signal: controller.signal },
      )) {
        if (m.event?.booking?.id === booking?.id) {
          seen = m.event?.booking?.title;
          break;
        }
      }
    } finally {
      clearTimeout(timer);
      // Leaving the loop alone does not close connect-node's HTTP/1.1 request; a browser page aborts.
      controller.abort();
    }
    expect(seen).toBe('browser call');
    // The browser left: the forwarded watch on the gRPC server ends too, it does not linger.
    await expect.poll(() => watchesEnded(), { timeout: 5_000, interval: 50 }).toBeGreaterThan(0);
  });

  it('offers no native gRPC on the browser port (HTTP/1.1 only; gRPC has its own)', async () => {
    const grpc = createGrpcTransport({ baseUrl });
    const error = await refusal(createClient(CustomerService, grpc).listCustomers({}, bearer('sales')));
    expect(error.code).toBeGreaterThan(0);
  });
});

describe('CORS', () => {
  const rpcPath = '/billing.v1.CustomerService/ListCustomers';
  const preflight = (origin: string) =>
    request('OPTIONS', rpcPath, {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type, connect-protocol-version',
    });

  it('answers a preflight from an allowed origin', async () => {
    const response = await preflight(ALLOWED_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
    expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('gives another origin no Access-Control-Allow-Origin', async () => {
    const response = await preflight('https://evil.example');
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const call = await request(
      'POST',
      rpcPath,
      {
        origin: 'https://evil.example',
        'content-type': 'application/json',
        authorization: `Bearer ${t.tokenFor('sales')}`,
      },
      '{}',
    );
    expect(call.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('exposes the gRPC-Web status headers to an allowed origin', async () => {
    const call = await request(
      'POST',
      rpcPath,
      {
        origin: ALLOWED_ORIGIN,
        'content-type': 'application/json',
        authorization: `Bearer ${t.tokenFor('sales')}`,
      },
      '{}',
    );
    expect(call.status).toBe(200);
    expect(call.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(String(call.headers['access-control-expose-headers'])).toContain('Grpc-Status');
  });
});

describe('static files', () => {
  it('serves index.html at / and at app routes, not cached, under the CSP', async () => {
    for (const route of ['/', '/invoices/123', '/customers?query=x']) {
      const response = await request('GET', route);
      expect(response.status, route).toBe(200);
      expect(response.body).toBe(INDEX_HTML);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('serves hashed assets as immutable with their content type, and 404 for missing files', async () => {
    const asset = await request('GET', `/${ASSET}`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await request('GET', '/assets/missing-0000.js')).status).toBe(404);
  });

  it('never serves a file outside the console directory', async () => {
    for (const traversal of [
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
    ]) {
      const response = await request('GET', traversal);
      expect(response.status, traversal).toBe(400);
      expect(response.body).not.toContain('"name"');
    }
  });

  it('explains a missing build instead of failing obscurely', async () => {
    const server = await startBrowserServer({
      address: '127.0.0.1:0',
      services: [],
      upstream: new CallerLanes(
        () => ({ transport: createGrpcTransport({ baseUrl: 'http://127.0.0.1:1' }), close: () => {} }),
        100,
      ),
      corsOrigins: [],
      staticDir: path.join(consoleDir, 'does-not-exist'),
      maxReceiveMessageBytes: 1024,
      maxSendMessageBytes: 1024,
    });
    try {
      const response = await request('GET', '/invoices', {}, undefined, server.port);
      expect(response.status).toBe(503);
      expect(response.body).toBe(NOT_BUILT_MESSAGE);
    } finally {
      await server.close(1000);
    }
  });
});

/** WatchBookings calls the gRPC server has finished, by any status. */
async function watchesEnded(): Promise<number> {
  const { values } = await t.service.metrics.rpcHandled.get();
  return values.filter((v) => v.labels.grpc_method === 'WatchBookings').reduce((sum, v) => sum + v.value, 0);
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP/1.1 request, path sent exactly as given (no URL normalisation). */
function request(
  method: string,
  requestPath: string,
  headers: Record<string, string> = {},
  body?: string,
  port = t.service.consolePort,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: requestPath, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
