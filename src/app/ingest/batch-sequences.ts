/**
 * The batch sequence numbers seen on one ingest stream, so a repeated one is caught (the contract:
 * unique within a stream). Kept as sorted, disjoint ranges: a sender that counts up, as senders
 * do, costs one range however long the stream lives, instead of one entry per batch.
 */
export class BatchSequences {
  /** Sorted, disjoint, non-adjacent inclusive ranges [low, high]. */
  private readonly ranges: [bigint, bigint][] = [];

  /** Records `sequence`; false if it was recorded before. */
  claim(sequence: bigint): boolean {
    const ranges = this.ranges;
    // First range whose high end is at or above sequence - 1 (it may touch or hold the sequence).
    let lo = 0;
    let hi = ranges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ranges[mid]![1] < sequence - 1n) lo = mid + 1;
      else hi = mid;
    }
    const at = ranges[lo];
    if (at && at[0] <= sequence && sequence <= at[1]) return false;
    const joinsBelow = at !== undefined && at[1] === sequence - 1n;
    const next = joinsBelow ? ranges[lo + 1] : at;
    const joinsAbove = next !== undefined && next[0] === sequence + 1n;
    if (joinsBelow && joinsAbove) {
      at[1] = next[1];
      ranges.splice(lo + 1, 1);
    } else if (joinsBelow) at[1] = sequence;
    else if (joinsAbove) next[0] = sequence;
    else ranges.splice(lo, 0, [sequence, sequence]);
    return true;
  }

  /** How many ranges are held (memory use), for tests. */
  get rangeCount(): number {
    return this.ranges.length;
  }
}
