/** Bookings against the calls made: no-shows, calls without a booking, overruns. */
import { ValidationError } from '../../domain/errors';
import type { BookingStore, ReconciliationReport } from './ports';

export interface ReconciliationReportDeps {
  bookings: Pick<BookingStore, 'reconciliation'>;
  /** The clock's "now" (src/app/clock.ts): no booking that has not yet ended is a no-show. */
  now: () => Date;
}

export const DEFAULT_OVERRUN_THRESHOLD_SECONDS = 900;
/** The longest tolerance asked for: a week, the longest booking (and far from the SQL int's limit). */
export const MAX_OVERRUN_THRESHOLD_SECONDS = 7 * 24 * 3600;
export const REPORT_LIMIT = 10_000;

export async function reconciliationReport(
  deps: ReconciliationReportDeps,
  request: {
    start?: Date;
    end?: Date;
    customerAccount: string;
    /** 0 means the default (900 s), as in the gRPC request, unless `thresholdGiven`. */
    overrunThresholdSeconds: number;
    /** The caller named the threshold (the command line's --threshold): 0 is then no tolerance. */
    thresholdGiven?: boolean;
  },
): Promise<ReconciliationReport> {
  if (!request.start || !request.end)
    throw new ValidationError([{ field: 'period', reason: 'required: both start_time and end_time' }]);
  if (request.end.getTime() <= request.start.getTime())
    throw new ValidationError([{ field: 'period.end_time', reason: 'must be after start_time' }]);
  const threshold = request.overrunThresholdSeconds;
  if (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > MAX_OVERRUN_THRESHOLD_SECONDS) {
    throw new ValidationError([
      {
        field: 'overrun_threshold_seconds',
        reason: `must be a whole number of seconds from 0 to ${MAX_OVERRUN_THRESHOLD_SECONDS}`,
      },
    ]);
  }
  return deps.bookings.reconciliation({
    start: request.start,
    end: request.end,
    customerAccount: request.customerAccount || undefined,
    overrunThresholdSeconds:
      threshold === 0 && !request.thresholdGiven ? DEFAULT_OVERRUN_THRESHOLD_SECONDS : threshold,
    limit: REPORT_LIMIT,
    now: deps.now(),
  });
}
