/**
 * Remembers values computed from a few recurring keys (the dates a close repeats for each of its
 * invoices). Bounded: once `max` keys are held it starts over, so a stream of new keys costs no
 * memory; only what `compute` returns is kept (a throw remembers nothing).
 */
export class BoundedMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string, compute: () => V): V {
    const known = this.values.get(key);
    if (known !== undefined) return known;
    const value = compute();
    if (this.values.size >= this.max) this.values.clear();
    this.values.set(key, value);
    return value;
  }
}
