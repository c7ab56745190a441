import { DateTime } from 'luxon';

/** The seller's "today", YYYY-MM-DD: the date of `now` in the seller's time zone. */
export function todayIn(timeZone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone: timeZone }).toISODate()!;
}
