/**
 * Time bands in the customer's time zone, and splitting a call at band boundaries.
 *
 * Local time is UTC plus the zone's offset (luxon's IANAZone). Offsets are cached per zone in
 * 15-minute UTC buckets: every real-world offset change happens on a quarter hour, so the offset is
 * constant inside a bucket. A call whose offset differs between its start and end (a DST change
 * during the call) is cut at the change (found to the second) and each part is walked with its own offset.
 */
import { IANAZone } from 'luxon';
import type { Band, CalendarFileJson } from './types.js';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const BUCKET_MS = 900_000;

export class TimeZoneOffsets {
  private static zones = new Map<string, TimeZoneOffsets | null>();
  private cache = new Map<number, number>();
  private constructor(private zone: IANAZone) {}

  /** undefined for a name luxon does not know. */
  static get(name: string): TimeZoneOffsets | undefined {
    let z = TimeZoneOffsets.zones.get(name);
    if (z === undefined) {
      z = IANAZone.isValidZone(name) ? new TimeZoneOffsets(IANAZone.create(name)) : null;
      TimeZoneOffsets.zones.set(name, z);
    }
    return z ?? undefined;
  }

  /** Offset from UTC in milliseconds at the UTC instant `ms`. */
  offsetMs(ms: number): number {
    const bucket = Math.floor(ms / BUCKET_MS);
    let off = this.cache.get(bucket);
    if (off === undefined) {
      off = this.zone.offset(bucket * BUCKET_MS) * MIN_MS;
      if (this.cache.size > 200_000) this.cache.clear();
      this.cache.set(bucket, off);
    }
    return off;
  }
}

export interface CompiledCalendar {
  weekend: boolean[]; // index 1..7
  holidays: Set<number>; // local day numbers (days since 1970-01-01)
  /** Peak windows per ISO weekday (index 1..7), minutes of the day [from, to), sorted, merged. */
  peak: [number, number][][];
}

export function parseHhMm(text: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return NaN;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return NaN;
  return h * 60 + min;
}

export function dayNumberOfDate(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  if (d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) return NaN;
  return ms / DAY_MS;
}

export function compileCalendar(c: CalendarFileJson): CompiledCalendar {
  const weekend = new Array<boolean>(8).fill(false);
  for (const d of c.weekendDays) weekend[d] = true;
  const peak: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const w of c.peak) {
    for (const d of w.days) peak[d]!.push([parseHhMm(w.from), parseHhMm(w.to)]);
  }
  for (const list of peak) {
    list.sort((a, b) => a[0] - b[0]);
    for (let i = list.length - 1; i > 0; i--) {
      if (list[i]![0] <= list[i - 1]![1]) {
        list[i - 1]![1] = Math.max(list[i - 1]![1], list[i]![1]);
        list.splice(i, 1);
      }
    }
  }
  return { weekend, holidays: new Set(c.holidays.map(dayNumberOfDate)), peak };
}

export function isoWeekdayOfDay(dayNum: number): number {
  return ((((dayNum + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday (4)
}

/** The band at local time `localMs` and the local time at which it may change. */
export function bandAt(cal: CompiledCalendar, localMs: number): { band: Band; untilLocalMs: number } {
  const dayNum = Math.floor(localMs / DAY_MS);
  const dayStart = dayNum * DAY_MS;
  const midnight = dayStart + DAY_MS;
  if (cal.holidays.has(dayNum)) return { band: 'holiday', untilLocalMs: midnight };
  const wd = isoWeekdayOfDay(dayNum);
  if (cal.weekend[wd]) return { band: 'weekend', untilLocalMs: midnight };
  const minute = Math.floor((localMs - dayStart) / MIN_MS);
  for (const [from, to] of cal.peak[wd]!) {
    if (minute < from) return { band: 'offpeak', untilLocalMs: dayStart + from * MIN_MS };
    if (minute < to) return { band: 'peak', untilLocalMs: dayStart + to * MIN_MS };
  }
  return { band: 'offpeak', untilLocalMs: midnight };
}

export interface BandSegment {
  band: Band;
  /** Seconds of the call in this segment (whole seconds; boundaries rounded to the nearest second). */
  seconds: number;
}

/**
 * Splits the billable window [startMs, startMs + durationSeconds) into consecutive band segments,
 * merging neighbours of the same band.
 */
export function splitIntoBands(
  cal: CompiledCalendar,
  tz: TimeZoneOffsets,
  startMs: number,
  durationSeconds: number,
): BandSegment[] {
  const out: BandSegment[] = [];
  const endMs = startMs + durationSeconds * 1000;
  if (durationSeconds <= 0) {
    out.push({ band: bandAt(cal, startMs + tz.offsetMs(startMs)).band, seconds: 0 });
    return out;
  }
  let doneSeconds = 0;
  const push = (band: Band, untilMs: number) => {
    const upTo = Math.min(durationSeconds, Math.max(doneSeconds, Math.round((untilMs - startMs) / 1000)));
    const secs = upTo - doneSeconds;
    if (secs <= 0) return;
    const last = out[out.length - 1];
    if (last && last.band === band) last.seconds += secs;
    else out.push({ band, seconds: secs });
    doneSeconds = upTo;
  };
  let t = startMs;
  while (t < endMs) {
    const off = tz.offsetMs(t);
    // the end of the stretch with this offset (almost always the call's end)
    let stretchEnd = endMs;
    if (tz.offsetMs(endMs - 1) !== off) {
      let lo = t; // offset(lo) === off
      let hi = endMs - 1; // offset(hi) !== off
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (tz.offsetMs(mid) === off) lo = mid;
        else hi = mid;
      }
      stretchEnd = Math.floor(hi / BUCKET_MS) * BUCKET_MS;
      if (stretchEnd <= t) stretchEnd = hi;
    }
    while (t < stretchEnd) {
      const { band, untilLocalMs } = bandAt(cal, t + off);
      const until = Math.min(stretchEnd, untilLocalMs - off);
      push(band, until);
      t = until;
    }
  }
  return out;
}
