/** Bookings against the calls made: no-shows, calls without a booking, overruns. */
import { ValidationError } from '../../domain/errors';
import type { BookingStore, ReconciliationReport } from './ports';

export interface ReconciliationReportDeps {
  bookings: Pick<BookingStore, 'reconciliation'>;
  /** The clock's "now" (src/app/clock.ts): no booking that has not yet ended is a no-show. */
  now: () => Date;
}

export const DEFAULT_OVERRUN_THRESHOLD_SECONDS = 900;
export const REPORT_LIMIT = 10_000;

export async function reconciliationReport(
  deps: ReconciliationReportDeps,
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
    now: deps.now(),
  });
}
