/**
 * The batches a stream has read while the group before them commits: each is priced as it arrives
 * (one after the other, so a stream has one customer lookup in flight at most), and all of them are
 * committed together, in ONE statement and transaction, once that commit ends (group commit: a
 * bridge sending small batches pays one disk flush per group, not per batch). Each batch still gets
 * the results it would get committed alone after the ones before it.
 */
import type { CdrDraft } from '../../domain/cdr-validation';
import {
  prepareCdrs,
  storePreparedTogether,
  type CdrResult,
  type IngestDeps,
  type PreparedBatch,
} from './ingest-cdrs';

/** What committing a group answered, in the order the batches were added. */
export interface GroupOutcome<T> {
  /** The batches committed: all of them, or those before the first that could not be priced. */
  committed: { tag: T; results: CdrResult[] }[];
  /** Why pricing a batch failed (its customer lookup, say): it and the batches after it were not committed. */
  failure?: { error: unknown };
}

interface Queued<T> {
  tag: T;
  prepared: Promise<PreparedBatch>;
}

const ignore = (): void => undefined;

export class GroupCommitQueue<T> {
  private queued: Queued<T>[] = [];
  private queuedCdrs = 0;
  /** The last batch's pricing: the next one starts when it has ended, however it ended. */
  private pricing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: IngestDeps) {}

  /** CDRs queued (being priced or priced), not committing yet. */
  get cdrs(): number {
    return this.queuedCdrs;
  }

  get isEmpty(): boolean {
    return this.queued.length === 0;
  }

  /** Queues a batch and starts pricing it after the batches before it. */
  add(tag: T, drafts: CdrDraft[]): void {
    const prepared = this.pricing.then(() => prepareCdrs(this.deps, drafts));
    // A failure surfaces when its group commits; these only keep it from counting as unhandled.
    prepared.catch(() => undefined);
    // Settles with nothing, so the chain does not keep the last priced batch alive until the next.
    this.pricing = prepared.then(ignore, ignore);
    this.queued.push({ tag, prepared });
    this.queuedCdrs += drafts.length;
  }

  /**
   * Takes everything queued (at once, before the first await: the queue is empty when this
   * returns) and commits it as one group. A batch that failed to price ends the group there: the
   * batches before it are committed and answered, it and those after it are not. Rejects only
   * when the commit itself fails (then nothing of the group is stored).
   */
  async commitAll(): Promise<GroupOutcome<T>> {
    const group = this.queued;
    [this.queued, this.queuedCdrs] = [[], 0];
    const settled = await Promise.allSettled(group.map((q) => q.prepared));
    const failedAt = settled.findIndex((s) => s.status === 'rejected');
    const ready = failedAt < 0 ? settled : settled.slice(0, failedAt);
    const batches = ready.map((s) => (s as PromiseFulfilledResult<PreparedBatch>).value);
    const results = await storePreparedTogether(this.deps, batches);
    const committed = results.map((r, i) => ({ tag: group[i]!.tag, results: r }));
    const failed = failedAt < 0 ? undefined : (settled[failedAt] as PromiseRejectedResult);
    return failed ? { committed, failure: { error: failed.reason } } : { committed };
  }
}
