/**
 * Reservations enters a booking once; each change lands in the bridge's outbox in the same
 * transaction, and the bridge follows that outbox with a cursor.
 */
import crypto from 'node:crypto';
import type { Feature } from '../../domain/cdr';
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import { checkExpectedVersion, requestKey } from '../mutations';
import { pageSize } from '../paging';
import {
  generateAccessCode,
  sameBookingContent,
  startInPast,
  validateBookingInput,
  type Booking,
  type BookingEvent,
  type BookingInput,
} from './booking';
import type { BookingStore, BookingTransaction, ReconciliationReport, UpcomingFilter } from './ports';
import type { Page } from '../customers/ports';

export interface BookingDeps {
  bookings: BookingStore;
  /** The clock's "now" (src/app/clock.ts). */
  now: () => Date;
}

const HOST_CODE_DIGITS = 6;
const PARTICIPANT_CODE_DIGITS = 8;
const WATCH_BATCH = 500;
export const WATCH_POLL_MS = 200;
export const DEFAULT_OVERRUN_THRESHOLD_SECONDS = 900;
export const REPORT_LIMIT = 10_000;

/** The server is shutting down: the stream ends (UNAVAILABLE) and the bridge reconnects elsewhere. */
export class ServiceDrainingError extends Error {
  override name = 'ServiceDrainingError';
}

function nowOf(deps: BookingDeps): Date {
  return deps.now();
}

function checkInput(input: BookingInput | undefined): BookingInput {
  if (!input) throw new ValidationError([{ field: 'booking', reason: 'required' }]);
  const violations = validateBookingInput(input);
  if (violations.length) throw new ValidationError(violations);
  return input;
}

async function customerZone(tx: BookingTransaction, account: string): Promise<string> {
  const customer = await tx.customer(account);
  if (!customer) {
    throw new ValidationError([
      {
        field: 'booking.customer_account',
        reason: `unknown customer ${JSON.stringify(account)}; sales must create it first`,
      },
    ]);
  }
  return customer.timeZone;
}

async function checkReference(tx: BookingTransaction, reference: string, self?: string): Promise<void> {
  if (!reference) return;
  const holder = await tx.bookingWithReference(reference);
  if (holder && holder !== self) {
    throw new ValidationError([
      { field: 'booking.external_reference', reason: `already used by booking ${holder}` },
    ]);
  }
}

export async function createBooking(
  deps: BookingDeps,
  request: { requestId: string; booking: BookingInput | undefined },
): Promise<Booking> {
  const input = checkInput(request.booking);
  const key = requestKey('BookingService.CreateBooking', request.requestId, input);
  return deps.bookings.mutate(key, async (tx) => {
    const now = nowOf(deps);
    const past = startInPast(input.scheduledStart!, now);
    if (past) throw new ValidationError([past]);
    const zone = await customerZone(tx, input.customerAccount);
    await checkReference(tx, input.externalReference);
    const hostCode = input.hostCode || generateAccessCode(HOST_CODE_DIGITS);
    let participantCode = input.participantCode || generateAccessCode(PARTICIPANT_CODE_DIGITS);
    while (participantCode === hostCode) participantCode = generateAccessCode(PARTICIPANT_CODE_DIGITS);
    const booking: Booking = {
      ...input,
      id: crypto.randomUUID(),
      scheduledStart: input.scheduledStart!,
      timeZone: input.timeZone || zone,
      features: input.features as Feature[],
      hostCode,
      participantCode,
      status: 'SCHEDULED',
      cancelReason: '',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(booking);
    await tx.publish('CREATED', booking, [booking.bridgeId]);
    return booking;
  });
}

export async function updateBooking(
  deps: BookingDeps,
  request: { requestId: string; id: string; booking: BookingInput | undefined; expectedVersion: number },
): Promise<Booking> {
  if (!request.id)
    throw new ValidationError([{ field: 'booking.id', reason: 'required: the booking to update' }]);
  const input = checkInput(request.booking);
  const key = requestKey('BookingService.UpdateBooking', request.requestId, {
    id: request.id,
    input,
    expectedVersion: request.expectedVersion,
  });
  return deps.bookings.mutate(key, async (tx) => {
    const now = nowOf(deps);
    const current = await tx.lock(request.id);
    if (!current) throw new NotFoundError(`no booking with id ${JSON.stringify(request.id)}`);
    if (current.status === 'CANCELLED')
      throw new FailedPreconditionError(
        `booking ${current.id} is cancelled; a cancelled booking cannot be updated`,
      );
    checkExpectedVersion(`booking ${current.id}`, request.expectedVersion, current.version);
    if (input.scheduledStart!.getTime() !== current.scheduledStart.getTime()) {
      const past = startInPast(input.scheduledStart!, now);
      if (past) throw new ValidationError([past]);
    }
    const zone =
      input.customerAccount === current.customerAccount && !input.timeZone
        ? current.timeZone
        : await customerZone(tx, input.customerAccount);
    await checkReference(tx, input.externalReference, current.id);
    const next: Booking = {
      ...current,
      ...input,
      scheduledStart: input.scheduledStart!,
      timeZone: input.timeZone || zone,
      features: input.features as Feature[],
      hostCode: input.hostCode || current.hostCode,
      participantCode: input.participantCode || current.participantCode,
    };
    if (next.hostCode === next.participantCode) {
      throw new ValidationError([
        { field: 'booking.participant_code', reason: 'must differ from host_code' },
      ]);
    }
    if (sameBookingContent(current, next)) return current;
    const changed: Booking = { ...next, version: current.version + 1, updatedAt: now };
    await tx.update(changed);
    // A booking moved to another bridge is sent to the old bridge once more, so it can drop it.
    await tx.publish('UPDATED', changed, [...new Set([current.bridgeId, changed.bridgeId])]);
    return changed;
  });
}

export async function cancelBooking(
  deps: BookingDeps,
  request: { requestId: string; bookingId: string; reason: string; expectedVersion: number },
): Promise<Booking> {
  if (!request.bookingId) throw new ValidationError([{ field: 'booking_id', reason: 'required' }]);
  if (request.reason.length > 1000)
    throw new ValidationError([{ field: 'reason', reason: 'at most 1000 characters' }]);
  const key = requestKey('BookingService.CancelBooking', request.requestId, request);
  return deps.bookings.mutate(key, async (tx) => {
    const current = await tx.lock(request.bookingId);
    if (!current) throw new NotFoundError(`no booking with id ${JSON.stringify(request.bookingId)}`);
    if (current.status === 'CANCELLED') return current;
    checkExpectedVersion(`booking ${current.id}`, request.expectedVersion, current.version);
    const cancelled: Booking = {
      ...current,
      status: 'CANCELLED',
      cancelReason: request.reason,
      version: current.version + 1,
      updatedAt: nowOf(deps),
    };
    await tx.update(cancelled);
    await tx.publish('CANCELLED', cancelled, [cancelled.bridgeId]);
    return cancelled;
  });
}

export async function getBooking(deps: BookingDeps, id: string): Promise<Booking> {
  if (!id) throw new ValidationError([{ field: 'booking_id', reason: 'required' }]);
  const booking = await deps.bookings.get(id);
  if (!booking) throw new NotFoundError(`no booking with id ${JSON.stringify(id)}`);
  return booking;
}

export function listUpcomingBookings(
  deps: BookingDeps,
  request: Omit<UpcomingFilter, 'from'> & { from?: Date; pageSize: number; pageToken: string },
): Promise<Page<Booking>> {
  const size = pageSize(request.pageSize);
  const from = request.from ?? nowOf(deps);
  if (request.to && request.to.getTime() <= from.getTime()) {
    throw new ValidationError([
      { field: 'to_time', reason: 'must be after from_time (or now, when from_time is unset)' },
    ]);
  }
  return deps.bookings.listUpcoming(
    {
      bridgeId: request.bridgeId || undefined,
      customerAccount: request.customerAccount || undefined,
      from,
      to: request.to,
      includeCancelled: request.includeCancelled,
    },
    size,
    request.pageToken || undefined,
  );
}

/**
 * Every event of the bridge after the cursor, then new ones as they are committed (the outbox is
 * polled). Ends when `signal` aborts (the client left); throws ServiceDrainingError on shutdown.
 */
export async function* watchBookings(
  deps: BookingDeps & { pollMs?: number },
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

export async function reconciliationReport(
  deps: BookingDeps,
  request: { start?: Date; end?: Date; customerAccount: string; overrunThresholdSeconds: number },
): Promise<ReconciliationReport> {
  if (!request.start || !request.end)
    throw new ValidationError([{ field: 'period', reason: 'required: both start_time and end_time' }]);
  if (request.end.getTime() <= request.start.getTime())
    throw new ValidationError([{ field: 'period.end_time', reason: 'must be after start_time' }]);
  return deps.bookings.reconciliation({
    start: request.start,
    end: request.end,
    customerAccount: request.customerAccount || undefined,
    overrunThresholdSeconds: request.overrunThresholdSeconds || DEFAULT_OVERRUN_THRESHOLD_SECONDS,
    limit: REPORT_LIMIT,
  });
}
