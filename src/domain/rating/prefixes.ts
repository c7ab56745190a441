/**
 * Destination prefixes to zones, longest prefix wins. One Map per prefix length, probed from the
 * longest length down: a handful of Map lookups per call, whatever the number of prefixes.
 */
export class PrefixTable {
  private byLength = new Map<number, Map<string, string>>();
  private lengths: number[] = [];

  constructor(prefixes: Record<string, string>) {
    for (const [prefix, zone] of Object.entries(prefixes)) {
      const p = normalizeNumber(prefix);
      let m = this.byLength.get(p.length);
      if (!m) this.byLength.set(p.length, (m = new Map<string, string>()));
      m.set(p, zone);
    }
    this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
  }

  /** The zone of the longest prefix of `number`, or undefined. */
  lookup(number: string | undefined): { zone: string; prefix: string } | undefined {
    if (!number) return undefined;
    const n = normalizeNumber(number);
    for (const len of this.lengths) {
      if (len > n.length) continue;
      const p = n.slice(0, len);
      const zone = this.byLength.get(len)!.get(p);
      if (zone !== undefined) return { zone, prefix: '+' + p };
    }
    return undefined;
  }

  zones(): Set<string> {
    const s = new Set<string>();
    for (const m of this.byLength.values()) for (const z of m.values()) s.add(z);
    return s;
  }
}

const E164 = /^\+\d+$/;

/** Digits only: "+46 8-123" -> "468123"; a leading "00" international prefix is dropped. */
export function normalizeNumber(n: string): string {
  if (E164.test(n)) return n.slice(1);
  let d = n.replace(/[^0-9]/g, '');
  if (!n.startsWith('+') && d.startsWith('00')) d = d.slice(2);
  return d;
}
