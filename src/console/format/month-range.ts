/**
 * The instants for a calendar month picked in a form ("2026-10"). Billing periods start at local
 * midnight in each customer's time zone (UTC-12 to UTC+14), so "periods starting in October" is
 * [1 Oct 00:00 UTC - 14 h, 1 Nov 00:00 UTC - 14 h); the middle of the month lies inside the
 * period of every customer with a monthly cycle.
 */
import { timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';

const MONTH = /^(\d{4})-(\d{2})$/;
const EARLIEST_OFFSET_MS = 14 * 3600_000;

export function isMonth(value: string): boolean {
  return MONTH.test(value);
}

function monthStartUtc(month: string, add = 0): Date {
  const [, y = '0', m = '1'] = MONTH.exec(month) ?? [];
  return new Date(Date.UTC(Number(y), Number(m) - 1 + add, 1));
}

export function periodStartsIn(month: string): { startTime: Timestamp; endTime: Timestamp } {
  return {
    startTime: timestampFromDate(new Date(monthStartUtc(month).getTime() - EARLIEST_OFFSET_MS)),
    endTime: timestampFromDate(new Date(monthStartUtc(month, 1).getTime() - EARLIEST_OFFSET_MS)),
  };
}

/** Noon UTC on the 15th: inside the month in every time zone. */
export function middleOf(month: string): Timestamp {
  const start = monthStartUtc(month);
  return timestampFromDate(new Date(start.getTime() + 14 * 86400_000 + 12 * 3600_000));
}

/** The whole month in UTC, for reports: [1st 00:00Z, next 1st 00:00Z). */
export function monthUtc(month: string): { startTime: Timestamp; endTime: Timestamp } {
  return {
    startTime: timestampFromDate(monthStartUtc(month)),
    endTime: timestampFromDate(monthStartUtc(month, 1)),
  };
}
