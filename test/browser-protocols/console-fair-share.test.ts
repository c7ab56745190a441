/**
 * The console forwards every call to this process's gRPC server, whose HTTP/2 connections allow
 * BILLING_MAX_CONCURRENT_STREAMS calls at once each. One token's open watches must not hold up
 * another console user's calls, and a token that opens more than its share of streaming calls is
 * told so (RESOURCE_EXHAUSTED) instead of waiting without an answer.
 */
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/auth/roles';
import { BookingService, type WatchBookingsResponse } from '../../src/gen/es/billing/v1/booking_service_pb';
import { CustomerService } from '../../src/gen/es/billing/v1/customer_service_pb';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { createCustomers } from '../support/customers';
import { startTestService, TEST_BRIDGE_IDS, type TestService } from '../support/test-service';

const MAX_CONCURRENT_STREAMS = 6;
const BRIDGE_ID = TEST_BRIDGE_IDS[0]!;

let t: TestService;
let bookings: ReturnType<typeof createClient<typeof BookingService>>;
const watches: AbortController[] = [];

beforeAll(async () => {
  t = await startTestService({
    env: {
      BILLING_CONSOLE_ADDR: '127.0.0.1:0',
      BILLING_MAX_CONCURRENT_STREAMS: String(MAX_CONCURRENT_STREAMS),
    },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['FAIR-1']);
  const transport = createConnectTransport({
    baseUrl: `http://127.0.0.1:${t.service.consolePort}`,
    httpVersion: '1.1',
  });
  bookings = createClient(BookingService, transport);
  await bookings.createBooking(
    {
      requestId: 'fair-share-booking',
      booking: {
        customerAccount: 'FAIR-1',
        bridgeId: BRIDGE_ID,
        title: 'watched call',
        scheduledStart: timestampFromDate(new Date(Date.now() + 3 * 3_600_000)),
        expectedDurationSeconds: 1800,
        expectedParticipants: 3,
      },
    },
    bearer('reservations'),
  );
}, 60_000);

afterAll(async () => {
  for (const watch of watches) watch.abort();
  await t?.stop();
});

function bearer(role: Role): { headers: Record<string, string> } {
  return { headers: { authorization: `Bearer ${t.tokenFor(role)}` } };
}

/**
 * Opens a watch through the console and waits for its first event (the booking above), so the
 * watch is known to be open on the gRPC server; the watch stays open. Answers the refusal if any.
 */
async function openWatch(): Promise<ConnectError | undefined> {
  const controller = new AbortController();
  const stream = bookings.watchBookings(
    { bridgeId: BRIDGE_ID, afterCursor: '' },
    { ...bearer('bridge'), signal: controller.signal },
  );
  try {
    const first: IteratorResult<WatchBookingsResponse> = await stream[Symbol.asyncIterator]().next();
    expect(first.done ? undefined : first.value.event?.booking?.title).toBe('watched call');
    watches.push(controller);
    return undefined;
  } catch (error) {
    controller.abort();
    if (error instanceof ConnectError) return error;
    throw error;
  }
}

describe('the console shares the gRPC server fairly between tokens', () => {
  it("gives a token half the connection's streams, answers the rest at once, and serves others", async () => {
    const share = MAX_CONCURRENT_STREAMS / 2;
    for (let open = 0; open < share; open++) expect(await openWatch()).toBeUndefined();

    const refused = await openWatch();
    expect(refused?.code).toBe(Code.ResourceExhausted);
    expect(refused?.rawMessage).toContain(`at most ${share} streaming calls at once per token`);

    // Another user of the console, and the same token's own short calls, still get answers.
    const customers = createClient(
      CustomerService,
      createConnectTransport({ baseUrl: `http://127.0.0.1:${t.service.consolePort}`, httpVersion: '1.1' }),
    );
    const page = await customers.listCustomers({ query: 'FAIR-1' }, bearer('sales'));
    expect(page.customers.map((c) => c.externalId)).toEqual(['FAIR-1']);
    const upcoming = await bookings.listUpcomingBookings({ bridgeId: BRIDGE_ID }, bearer('bridge'));
    expect(upcoming.bookings.map((b) => b.title)).toEqual(['watched call']);

    // The token's watches end; its share comes back.
    for (const watch of watches.splice(0)) watch.abort();
    await expect.poll(async () => (await openWatch())?.code ?? 'open', { interval: 50 }).toBe('open');
  });
});
