/** On graceful shutdown an open WatchBookings stream ends with UNAVAILABLE, so the bridge reconnects elsewhere. */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingServiceDefinition } from '../../src/gen/billing/v1/booking_service';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

describe('WatchBookings on shutdown', () => {
  it('ends an idle stream with UNAVAILABLE and lets the server stop promptly', async () => {
    const stream = (async () => {
      for await (const _ of t
        .client(BookingServiceDefinition, 'bridge')
        .watchBookings({ bridgeId: 'b1', afterCursor: '' })) {
        // no bookings: the stream idles until the server drains
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const stopping = t.service.stop();
    const error = await expectStatus(stream, Status.UNAVAILABLE);
    expect(error.details).toContain('shutting down');
    // The idle watch ended at once, so the server drained instead of waiting out its shutdown timeout.
    expect(await stopping).toBe('graceful');
  });
});
