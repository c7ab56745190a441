import { InvalidArgumentError, type Command } from 'commander';
import { systemClock } from '../app/clock';
import { MAX_OVERRUN_THRESHOLD_SECONDS, reconciliationReport } from '../app/bookings/reconciliation-report';
import { csvLine, monthOption, parseMonth, secondsOption } from './csv';
import { PostgresBookingStore } from '../persistence/booking-store';
import type { Database } from '../persistence/database';
import { openBilling } from './open-billing';

const HEADER = [
  'kind',
  'booking_id',
  'customer_account',
  'bridge_id',
  'conference_id',
  'scheduled_start',
  'expected_duration_seconds',
  'actual_start',
  'actual_end',
  'overrun_seconds',
  'legs',
  'minutes',
  'unknown_booking_id',
  'booking_mismatch',
];

function thresholdOption(text: string): number {
  const seconds = secondsOption(text);
  if (seconds > MAX_OVERRUN_THRESHOLD_SECONDS)
    throw new InvalidArgumentError(`at most ${MAX_OVERRUN_THRESHOLD_SECONDS} seconds (a week)`);
  return seconds;
}

/** The reconciliation report of a UTC month as RFC 4180 CSV, one row per finding. */
export async function reconcileCsv(
  database: Database,
  options: { period: string; customer?: string; thresholdSeconds?: number },
  write: (chunk: string) => void,
): Promise<{ rows: number; truncated: boolean }> {
  const { year, month } = parseMonth(options.period);
  const report = await reconciliationReport(
    // The command runs beside the service, on the same real clock it uses.
    { bookings: new PostgresBookingStore(database), now: () => systemClock.now() },
    {
      start: new Date(Date.UTC(year, month - 1, 1)),
      end: new Date(Date.UTC(year, month, 1)),
      customerAccount: options.customer ?? '',
      // --threshold 0 is no tolerance; without --threshold, the default (900 s).
      overrunThresholdSeconds: options.thresholdSeconds ?? 0,
      thresholdGiven: options.thresholdSeconds !== undefined,
    },
  );
  write(csvLine(HEADER));
  for (const b of report.noShows) {
    write(
      csvLine([
        'no_show',
        b.id,
        b.customerAccount,
        b.bridgeId,
        '',
        b.scheduledStart.toISOString(),
        b.expectedDurationSeconds,
        '',
        '',
        '',
        0,
        '0',
        '',
        '',
      ]),
    );
  }
  for (const c of report.callsWithoutBooking) {
    write(
      csvLine([
        'call_without_booking',
        '',
        c.customerAccount,
        c.bridgeId,
        c.conferenceId,
        '',
        '',
        c.firstStart.toISOString(),
        c.lastEnd.toISOString(),
        '',
        c.legs,
        c.minutes,
        c.unknownBookingId,
        c.mismatch,
      ]),
    );
  }
  for (const o of report.overruns) {
    const b = o.booking;
    write(
      csvLine([
        'overrun',
        b.id,
        b.customerAccount,
        b.bridgeId,
        '',
        b.scheduledStart.toISOString(),
        b.expectedDurationSeconds,
        o.actualStart.toISOString(),
        o.actualEnd.toISOString(),
        o.overrunSeconds,
        '',
        '',
        '',
        '',
      ]),
    );
  }
  return {
    rows: report.noShows.length + report.callsWithoutBooking.length + report.overruns.length,
    truncated: report.truncated,
  };
}

/** `billing reconcile --period YYYY-MM`: no-shows, calls without a booking and overruns, as CSV on stdout. */
export function registerReconcileCommand(program: Command): void {
  program
    .command('reconcile')
    .description(
      'compare bookings with the calls of a month (UTC): no-shows, calls without a booking, overruns; CSV on stdout',
    )
    .requiredOption('--period <YYYY-MM>', 'the month (UTC)', monthOption)
    .option('--customer <external_id>', 'only this customer account')
    .option('--threshold <seconds>', 'overrun tolerance in seconds; 0: none (default 900)', thresholdOption)
    .action(async (options: { period: string; customer?: string; threshold?: number }) => {
      const threshold = options.threshold;
      const core = await openBilling({ loadRules: false, migrate: false });
      try {
        const result = await reconcileCsv(
          core.database,
          { period: options.period, customer: options.customer, thresholdSeconds: threshold },
          (chunk) => process.stdout.write(chunk),
        );
        console.error(
          `${result.rows} finding(s)${result.truncated ? '; TRUNCATED at 10,000 per kind: narrow with --customer' : ''}`,
        );
        if (result.truncated) process.exitCode = 2;
      } finally {
        await core.close();
      }
    });
}
