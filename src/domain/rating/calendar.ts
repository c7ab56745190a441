/**
 * Time bands in the customer's time zone, and splitting a call at band boundaries.
 *
 * Local time is UTC plus the zone's offset (luxon's IANAZone). Offsets are cached per zone in weekly
 * chunks: the offset at the chunk's start and end, and when they differ, the exact minute of the
 * change (binary search). A zone changes its offset at most once a week, so this is exact. A call
 * that spans a change is cut there and each part is walked with its own offset.
 */
import { IANAZone } from 'luxon';
import type { Band, CalendarFileJson } from './types';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const CHUNK_MS = 7 * DAY_MS;
/** Weekly chunks kept in an array (10,000 weeks from 1970: up to about 2161). */
const DENSE_CHUNKS = 10_000;

interface Chunk {
  before: number;
  /** The first ms with the `after` offset; Infinity when the offset does not change in the chunk. */
  change: number;
  after: number;
}

export class TimeZoneOffsets {
  private static zones = new Map<string, TimeZoneOffsets | null>();
  private chunks = new Map<number, Chunk>();
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

  /**
   * Chunks 0 (1970) to DENSE_CHUNKS - 1 (about 2160) by index: an array read instead of a Map
   * lookup, since every rated call asks for one or two. Others (and a full cache) go to `chunks`.
   */
  private dense: (Chunk | undefined)[] = new Array<Chunk | undefined>(DENSE_CHUNKS).fill(undefined);

  private chunk(c: number): Chunk {
    if (c >= 0 && c < DENSE_CHUNKS) {
      let ch = this.dense[c];
      if (ch === undefined) this.dense[c] = ch = this.computeChunk(c);
      return ch;
    }
    let ch = this.chunks.get(c);
    if (ch === undefined) {
      ch = this.computeChunk(c);
      if (this.chunks.size > 100_000) this.chunks.clear();
      this.chunks.set(c, ch);
    }
    return ch;
  }

  private computeChunk(c: number): Chunk {
    const a = c * CHUNK_MS;
    const b = a + CHUNK_MS - MIN_MS;
    const before = this.zone.offset(a) * MIN_MS;
    const after = this.zone.offset(b) * MIN_MS;
    let change = Infinity;
    if (before !== after) {
      let lo = a; // offset(lo) === before
      let hi = b; // offset(hi) === after
      while (hi - lo > MIN_MS) {
        const mid = lo + Math.floor((hi - lo) / 2 / MIN_MS) * MIN_MS;
        if (this.zone.offset(mid) * MIN_MS === before) lo = mid;
        else hi = mid;
      }
      change = hi;
    }
    return { before, change, after };
  }

  /** Offset from UTC in milliseconds at the UTC instant `ms`. */
  offsetMs(ms: number): number {
    const ch = this.chunk(Math.floor(ms / CHUNK_MS));
    return ms < ch.change ? ch.before : ch.after;
  }

  /** The first instant in (from, to) where the offset differs from the one at `from`, or undefined. */
  nextChange(from: number, to: number): number | undefined {
    for (let c = Math.floor(from / CHUNK_MS); c * CHUNK_MS < to; c++) {
      const ch = this.chunk(c);
      if (ch.change > from && ch.change < to) return ch.change;
      if (c * CHUNK_MS > from && c * CHUNK_MS < to && ch.before !== this.offsetMs(from)) return c * CHUNK_MS;
    }
    return undefined;
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
  const until = { ms: 0 };
  const band = bandUntil(cal, localMs, until);
  return { band, untilLocalMs: until.ms };
}

/**
 * The band at local time `localMs`; the local time at which it may change goes to `until.ms`. An
 * out-parameter rather than a returned pair: this runs once or twice for every rated call.
 */
export function bandUntil(cal: CompiledCalendar, localMs: number, until: { ms: number }): Band {
  const dayNum = Math.floor(localMs / DAY_MS);
  const dayStart = dayNum * DAY_MS;
  until.ms = dayStart + DAY_MS;
  if (cal.holidays.has(dayNum)) return 'holiday';
  const wd = isoWeekdayOfDay(dayNum);
  if (cal.weekend[wd]) return 'weekend';
  const minute = Math.floor((localMs - dayStart) / MIN_MS);
  const windows = cal.peak[wd]!;
  for (let i = 0; i < windows.length; i++) {
    const w = windows[i]!;
    if (minute < w[0]) {
      until.ms = dayStart + w[0] * MIN_MS;
      return 'offpeak';
    }
    if (minute < w[1]) {
      until.ms = dayStart + w[1] * MIN_MS;
      return 'peak';
    }
  }
  return 'offpeak';
}

/** Scratch for bandUntil's second result (single-threaded, and no call below re-enters). */
const UNTIL = { ms: 0 };

export interface BandSegment {
  band: Band;
  /** Seconds of the call in this segment (whole seconds; boundaries rounded to the nearest second). */
  seconds: number;
}

/**
 * Splits the billable window [startMs, startMs + durationSeconds) into consecutive band segments,
 * merging neighbours of the same band. Boundaries are rounded to the nearest second.
 */
export function splitIntoBands(
  cal: CompiledCalendar,
  tz: TimeZoneOffsets,
  startMs: number,
  durationSeconds: number,
): BandSegment[] {
  const endMs = startMs + durationSeconds * 1000;
  let off = tz.offsetMs(startMs);
  const firstBand = bandUntil(cal, startMs + off, UNTIL);
  // the common case: one band for the whole call and no offset change
  if (durationSeconds <= 0 || (UNTIL.ms - off >= endMs && tz.offsetMs(endMs - 1) === off)) {
    return [{ band: firstBand, seconds: Math.max(0, durationSeconds) }];
  }
  const out: BandSegment[] = [];
  let doneSeconds = 0;
  let t = startMs;
  while (t < endMs) {
    off = tz.offsetMs(t);
    const stretchEnd = tz.nextChange(t, endMs) ?? endMs;
    while (t < stretchEnd) {
      const band = bandUntil(cal, t + off, UNTIL);
      const until = Math.min(stretchEnd, UNTIL.ms - off);
      const upTo = Math.min(durationSeconds, Math.max(doneSeconds, Math.round((until - startMs) / 1000)));
      const secs = upTo - doneSeconds;
      if (secs > 0) {
        const last = out[out.length - 1];
        if (last !== undefined && last.band === band) last.seconds += secs;
        else out.push({ band, seconds: secs });
        doneSeconds = upTo;
      }
      t = until;
    }
  }
  return out;
}
