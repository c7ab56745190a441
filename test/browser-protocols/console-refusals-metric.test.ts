/**
 * A call the console refuses itself (on its headers, on its input before it is parsed, or for want
 * of a stream on its caller's connection) never reaches the gRPC server, so the gRPC server's
 * metrics never count it. An operator watching for a token that was revoked, a client sending
 * oversized requests or a browser holding every stream sees them in
 * billing_console_requests_refused_total instead.
 */
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles';
import { BookingService } from '../../src/gen/es/billing/v1/booking_service_pb';
import { InvoiceService } from '../../src/gen/es/billing/v1/invoice_service_pb';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { createCustomers } from '../support/customers';
import { startTestService, TEST_BRIDGE_IDS, type TestService } from '../support/test-service';

const BRIDGE_ID = TEST_BRIDGE_IDS[0]!;

let t: TestService;

beforeAll(async () => {
  // Two streams per connection: a token may hold one streaming call at a time.
  t = await startTestService({
    env: { BILLING_CONSOLE_ADDR: '127.0.0.1:0', BILLING_MAX_CONCURRENT_STREAMS: '2' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['REFUSED-1']);
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

function consoleTransport() {
  return createConnectTransport({ baseUrl: `http://127.0.0.1:${t.service.consolePort}`, httpVersion: '1.1' });
}

function bearer(role: Role): { headers: Record<string, string> } {
  return { headers: { authorization: `Bearer ${t.tokenFor(role)}` } };
}

/** The count of one series of a counter, 0 when it has none yet. */
async function count(metric: string, labels: Record<string, string>): Promise<number> {
  const { values } = await t.service.metrics.registry.getSingleMetric(metric)!.get();
  const series = values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return series?.value ?? 0;
}

const refusedAtConsole = (method: string, code: string) =>
  count('billing_console_requests_refused_total', {
    grpc_service: 'billing.v1.InvoiceService',
    grpc_method: method,
    grpc_code: code,
  });

describe('calls the console refuses itself are counted', () => {
  it('counts a call without a valid token, which the gRPC server never sees', async () => {
    const invoices = createClient(InvoiceService, consoleTransport());
    const before = await refusedAtConsole('ListInvoices', 'UNAUTHENTICATED');
    const refusal = await invoices.listInvoices({}).catch((e: unknown) => ConnectError.from(e));
    expect(refusal).toMatchObject({ code: Code.Unauthenticated });
    expect(await refusedAtConsole('ListInvoices', 'UNAUTHENTICATED')).toBe(before + 1);
    expect(
      await count('grpc_server_handled_total', {
        grpc_method: 'ListInvoices',
        grpc_code: 'UNAUTHENTICATED',
      }),
    ).toBe(0);
  });

  it('counts a request refused before it is parsed', async () => {
    const before = await refusedAtConsole('ListInvoices', 'INVALID_ARGUMENT');
    // Nesting no ListInvoicesRequest can hold: refused by the JSON budget before connect parses it.
    const response = await fetch(
      `http://127.0.0.1:${t.service.consolePort}/billing.v1.InvoiceService/ListInvoices`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'connect-protocol-version': '1',
          ...bearer('billing').headers,
        },
        body: `{"customerAccount":${'['.repeat(10_000)}`,
      },
    );
    expect(await response.json()).toMatchObject({ code: 'invalid_argument' });
    expect(await refusedAtConsole('ListInvoices', 'INVALID_ARGUMENT')).toBe(before + 1);
  });

  it("counts a streaming call refused because its token holds the connection's share", async () => {
    const bookings = createClient(BookingService, consoleTransport());
    await bookings.createBooking(
      {
        requestId: 'refusals-metric-booking',
        booking: {
          customerAccount: 'REFUSED-1',
          bridgeId: BRIDGE_ID,
          title: 'held call',
          scheduledStart: timestampFromDate(new Date(Date.now() + 3 * 3_600_000)),
          expectedDurationSeconds: 1800,
          expectedParticipants: 3,
        },
      },
      bearer('reservations'),
    );
    const held = new AbortController();
    const watch = (signal?: AbortSignal) => {
      const stream = bookings.watchBookings(
        { bridgeId: BRIDGE_ID, afterCursor: '' },
        { ...bearer('bridge'), signal },
      );
      return stream[Symbol.asyncIterator]().next();
    };
    // The first event means the held watch has its place on the connection.
    await watch(held.signal);
    try {
      const refusal = await watch().catch((e: unknown) => ConnectError.from(e));
      expect(refusal).toMatchObject({ code: Code.ResourceExhausted });
      expect(
        await count('billing_console_requests_refused_total', {
          grpc_service: 'billing.v1.BookingService',
          grpc_method: 'WatchBookings',
          grpc_code: 'RESOURCE_EXHAUSTED',
        }),
      ).toBe(1);
    } finally {
      held.abort();
    }
  });
});
