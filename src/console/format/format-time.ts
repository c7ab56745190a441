/** Timestamps and periods for people, in the browser's time zone and the console's locale. */
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { LOCALE } from './locale';

export function formatDateTime(ts: Timestamp | undefined, timeZone?: string): string {
  if (!ts) return '';
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeStyle: 'short', timeZone }).format(
    timestampDate(ts),
  );
}

export function formatDate(ts: Timestamp | undefined, timeZone?: string): string {
  if (!ts) return '';
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeZone }).format(timestampDate(ts));
}

/** A half-open period [start, end) as its first and last day: "2026-10-01 – 2026-10-31". */
export function formatPeriod(
  start: Timestamp | undefined,
  end: Timestamp | undefined,
  timeZone?: string,
): string {
  if (!start || !end) return '';
  const last = new Date(timestampDate(end).getTime() - 1);
  const day = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'short', timeZone });
  return `${day.format(timestampDate(start))} – ${day.format(last)}`;
}

/** The month of a period's start, "oktober 2026". */
export function formatMonth(ts: Timestamp | undefined, timeZone?: string): string {
  if (!ts) return '';
  return new Intl.DateTimeFormat(LOCALE, { month: 'long', year: 'numeric', timeZone }).format(
    timestampDate(ts),
  );
}
