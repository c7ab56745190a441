/** A bridge follows its outbox with a cursor. */
import { FailedPreconditionError, ValidationError } from '../../domain/errors';
import type { BookingEvent } from './booking';
import type { BookingStore } from './ports';

export interface WatchBookingsDeps {
  /**
   * `newestCursor`, when the store has it: the cursor of the newest event of any bridge ("" when
   * none), to refuse a cursor this database never handed out (see watchBookings).
   */
  bookings: Pick<BookingStore, 'eventsAfter'> & { newestCursor?: () => Promise<string> };
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
  if (request.afterCursor && deps.bookings.newestCursor) {
    // A cursor beyond every event was never handed out by this database (one from another
    // installation, or a database restored from a backup): new events would get ids at or below it
    // and the bridge would silently miss them until the ids caught up. Refused, so it resyncs.
    const newest = await deps.bookings.newestCursor();
    if (BigInt(request.afterCursor) > BigInt(newest || '0')) {
      throw new FailedPreconditionError(
        `after_cursor ${request.afterCursor} is ahead of the newest event (${newest || 'none'}): not a cursor of this ` +
          'database (another installation, or one restored from a backup); resync with ListUpcomingBookings and watch from an empty cursor',
      );
    }
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
