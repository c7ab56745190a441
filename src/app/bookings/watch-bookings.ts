/** A bridge follows its outbox with a cursor. */
import { ValidationError } from '../../domain/errors';
import type { BookingEvent } from './booking';
import type { BookingStore } from './ports';

export interface WatchBookingsDeps {
  bookings: Pick<BookingStore, 'eventsAfter'>;
  pollMs?: number;
}

const WATCH_BATCH = 500;
export const WATCH_POLL_MS = 200;

/** The server is shutting down: the stream ends (UNAVAILABLE) and the bridge reconnects elsewhere. */
export class ServiceDrainingError extends Error {
  override name = 'ServiceDrainingError';
}

/**
 * Every event of the bridge after the cursor, then new ones as they are committed (the outbox is
 * polled). Ends when `signal` aborts (the client left); throws ServiceDrainingError on shutdown.
 */
export async function* watchBookings(
  deps: WatchBookingsDeps,
  request: { bridgeId: string; afterCursor: string },
  signal: AbortSignal,
  draining: AbortSignal,
): AsyncGenerator<BookingEvent> {
  if (!request.bridgeId) throw new ValidationError([{ field: 'bridge_id', reason: 'required' }]);
  if (request.afterCursor && !/^\d{1,19}$/.test(request.afterCursor)) {
    throw new ValidationError([
      {
        field: 'after_cursor',
        reason: 'not a cursor from this service; pass the cursor of the last event processed, or empty',
      },
    ]);
  }
  let cursor = request.afterCursor;
  while (!signal.aborted) {
    if (draining.aborted)
      throw new ServiceDrainingError('server is shutting down; reconnect with the last cursor');
    const events = await deps.bookings.eventsAfter(request.bridgeId, cursor, WATCH_BATCH);
    for (const event of events) {
      if (signal.aborted) return;
      yield event;
      cursor = event.cursor;
    }
    if (events.length < WATCH_BATCH) await pause(deps.pollMs ?? WATCH_POLL_MS, signal, draining);
  }
}

function pause(ms: number, ...signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}
