/**
 * A cross-check of the `timeZone` option: a default uniqueid (`host-1698400000.42` or
 * `1698400000.42`) holds the epoch second its channel was created, which is the row's start. Start
 * times that differ from it by a whole number of half-hours (within 2 minutes, at most 14 h) were
 * probably written in another zone than the one given.
 */
import type { ImportWarning } from './common';

function uniqueIdEpoch(uniqueid: string | undefined): number | undefined {
  if (!uniqueid) return undefined;
  const m = /(?:^|-)(\d{9,10})\.\d+$/.exec(uniqueid);
  return m ? Number(m[1]) : undefined;
}

export class ZoneCheck {
  /** Offset in hours -> the first line showing it and how many rows do. */
  private readonly mismatches = new Map<number, { line: number; count: number }>();

  see(line: number, start: Date, uniqueid: string | undefined): void {
    const epoch = uniqueIdEpoch(uniqueid);
    if (epoch === undefined) return;
    const diff = start.getTime() / 1000 - epoch;
    const halfHours = Math.round(diff / 1800);
    if (halfHours !== 0 && Math.abs(diff - halfHours * 1800) <= 120 && Math.abs(halfHours) <= 28) {
      const seenOffset = this.mismatches.get(halfHours / 2);
      if (seenOffset) seenOffset.count++;
      else this.mismatches.set(halfHours / 2, { line, count: 1 });
    }
  }

  /** One warning per offset seen, at its first line. */
  warnings(zone: string): ImportWarning[] {
    return [...this.mismatches].map(([hours, m]) => ({
      line: m.line,
      message:
        `start differs from the channel creation time inside uniqueid by ${hours > 0 ? '+' : ''}${hours} h ` +
        `(${m.count} row(s) from this line on): timeZone '${zone}' is probably not the zone they were written in`,
    }));
  }
}
