/**
 * Destination prefixes to zones, longest prefix wins. A digit trie, walked once along the number:
 * one array read per digit, and no string is cut or built per call (this runs on every CDR).
 */

/** The zone a number's longest prefix gives, and that prefix as "+digits" (shared: never change it). */
export interface PrefixHit {
  readonly zone: string;
  readonly prefix: string;
}

export class PrefixTable {
  /** children[node * 10 + digit]: the child node, 0 for none (node 0 is the root, never a child). */
  private children = new Int32Array(10);
  /** hits[node]: the zone of the prefix ending at the node, if it is one. */
  private hits: (PrefixHit | undefined)[] = [undefined];
  private readonly byZone = new Set<string>();

  constructor(prefixes: Record<string, string>) {
    for (const [prefix, zone] of Object.entries(prefixes)) {
      const p = normalizeNumber(prefix);
      let node = 0;
      for (let i = 0; i < p.length; i++) node = this.child(node, p.charCodeAt(i) - 48);
      // a prefix written twice (say "+46" and "0046") keeps the later zone, as a Map.set would
      this.hits[node] = Object.freeze({ zone, prefix: '+' + p });
    }
    for (const h of this.hits) if (h !== undefined) this.byZone.add(h.zone);
  }

  private child(node: number, digit: number): number {
    const at = node * 10 + digit;
    let c = this.children[at]!;
    if (c === 0) {
      c = this.hits.length;
      this.hits.push(undefined);
      if ((c + 1) * 10 > this.children.length) {
        const grown = new Int32Array(this.children.length * 2);
        grown.set(this.children);
        this.children = grown;
      }
      this.children[at] = c;
    }
    return c;
  }

  /** The zone of the longest prefix of `number`, or undefined. */
  lookup(number: string | undefined): PrefixHit | undefined {
    if (!number) return undefined;
    // E.164 ("+" and digits, what CDRs carry) is walked in place; anything else is normalised first
    if (isE164(number)) return this.walk(number, 1);
    return this.walk(normalizeNumber(number), 0);
  }

  /** Longest hit along the digits of `digits` from `from` (all of them ASCII digits). */
  private walk(digits: string, from: number): PrefixHit | undefined {
    const children = this.children;
    let node = 0;
    let best = this.hits[0];
    for (let i = from; i < digits.length; i++) {
      node = children[node * 10 + digits.charCodeAt(i) - 48]!;
      if (node === 0) break;
      const h = this.hits[node];
      if (h !== undefined) best = h;
    }
    return best;
  }

  zones(): Set<string> {
    return new Set(this.byZone);
  }
}

/** /^\+\d+$/ without a regular expression. */
function isE164(n: string): boolean {
  if (n.length < 2 || n.charCodeAt(0) !== 43) return false;
  for (let i = 1; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const E164 = /^\+\d+$/;

/** Digits only: "+46 8-123" -> "468123"; a leading "00" international prefix is dropped. */
export function normalizeNumber(n: string): string {
  if (E164.test(n)) return n.slice(1);
  let d = n.replace(/[^0-9]/g, '');
  if (!n.startsWith('+') && d.startsWith('00')) d = d.slice(2);
  return d;
}
