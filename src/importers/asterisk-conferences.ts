/**
 * Conference instances in a Master.csv: ConfBridge rows of the same room that overlap in time
 * (transitively) are one conference, named `room@first start` (UTC, to the second).
 */
import type { AsteriskRow } from './asterisk-row';

function conferenceRoom(lastdata: string): string {
  // ConfBridge(conference[,bridge_profile[,user_profile[,menu]]]); Asterisk 1.8 used `|`.
  return lastdata.split(/[,|]/)[0]!.trim();
}

/** The conference instance of each of `confRows` (rows whose lastapp is a conference application). */
export function conferenceInstances(confRows: AsteriskRow[]): Map<AsteriskRow, string> {
  const instanceOf = new Map<AsteriskRow, string>();
  const byRoom = new Map<string, AsteriskRow[]>();
  for (const r of confRows) {
    const room = conferenceRoom(r.lastdata) || r.dst;
    if (!byRoom.has(room)) byRoom.set(room, []);
    byRoom.get(room)!.push(r);
  }
  for (const [room, list] of byRoom) {
    list.sort((a, b) => a.start.getTime() - b.start.getTime());
    let group: AsteriskRow[] = [];
    let groupEnd = -Infinity;
    const flush = () => {
      if (group.length === 0) return;
      const first = group[0]!.start.toISOString().replace('.000Z', 'Z');
      for (const g of group) instanceOf.set(g, `${room}@${first}`);
    };
    for (const r of list) {
      if (r.start.getTime() > groupEnd) {
        flush();
        group = [];
      }
      group.push(r);
      groupEnd = Math.max(groupEnd, r.end.getTime());
    }
    flush();
  }
  return instanceOf;
}
