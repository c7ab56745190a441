/**
 * Unrated CDRs are never dropped: they wait, visible, until their data is fixed (the customer is
 * created, a rate is added), and are then priced again. A CDR that is priced by a retry gets its
 * charge in the same transaction that marks it rated, and only once even when two retries race.
 */
import { cdrKeyId, type Cdr, type CdrKey } from '../../domain/cdr';
import { ValidationError } from '../../domain/errors';
import type { CdrResult, IngestDeps, RatingSummary } from './ingest-cdrs';
import { loadBatchFacts, priceCdr, pricedWithOf } from './price-batch';
import type { PricedWith, RatingDecision } from './ports';

export interface UnratedFilter {
  customerAccount?: string;
  bridgeId?: string;
  startFrom?: Date;
  startTo?: Date;
  /** Only these CDRs. */
  keys?: CdrKey[];
}

export interface UnratedCdrRow {
  id: string;
  cdr: Cdr;
  reason: string;
  receivedAt: Date;
  lastAttemptAt?: Date;
  attempts: number;
}

export interface UnratedQueue {
  list(
    filter: UnratedFilter,
    size: number,
    pageToken?: string,
  ): Promise<{ rows: UnratedCdrRow[]; nextPageToken: string; total: number }>;
  /** Up to `limit` unrated CDRs matching the filter. */
  take(filter: UnratedFilter, limit: number): Promise<UnratedCdrRow[]>;
  /** Stores the new decisions; returns the ids that this call turned from unrated to rated. */
  record(decisions: RetryDecision[]): Promise<Set<string>>;
  /**
   * How each stored CDR of these keys is priced now (its current charge, or why it is unrated), by
   * `cdrKeyId`; `'archived'` for a key whose month retention archived; absent for an unknown key.
   */
  ratingOf(keys: CdrKey[]): Promise<Map<string, RatingSummary | 'archived'>>;
}

/** A retried CDR's new decision, with what it was priced with (stored beside a charge). */
export interface RetryDecision {
  id: string;
  cdr: Cdr;
  decision: RatingDecision;
  pricedWith: PricedWith;
}

export const MAX_RETRY = 10_000;

export interface RetryReport {
  retried: number;
  rated: number;
  stillUnrated: { cdr: Cdr; reason: string }[];
  /**
   * For a retry of given keys: one result per key, in their order. A stored CDR is ACCEPTED with
   * how it is priced now (by this retry or before it); an unknown or archived key is REJECTED.
   */
  byKey?: CdrResult[];
}

export type RetryUnratedDeps = Pick<IngestDeps, 'rater' | 'customers' | 'bookings'> & { queue: UnratedQueue };

export async function retryUnrated(deps: RetryUnratedDeps, filter: UnratedFilter): Promise<RetryReport> {
  if (filter.keys && filter.keys.length > 1000)
    throw new ValidationError([{ field: 'cdr_keys', reason: 'at most 1000 keys a request' }]);
  const rows = await deps.queue.take(filter, MAX_RETRY);
  const facts = await loadBatchFacts(
    deps,
    rows.map((r) => r.cdr),
  );
  const decisions = rows.map((r) => ({
    id: r.id,
    cdr: r.cdr,
    decision: priceCdr(deps, r.cdr, facts),
    pricedWith: pricedWithOf(r.cdr, facts),
  }));
  const nowRated = await deps.queue.record(decisions);
  const report: RetryReport = {
    retried: rows.length,
    rated: nowRated.size,
    stillUnrated: decisions
      .filter((d) => !d.decision.rated)
      .map((d) => ({ cdr: d.cdr, reason: (d.decision as { reason: string }).reason })),
  };
  if (filter.keys?.length) report.byKey = resultsByKey(filter.keys, await deps.queue.ratingOf(filter.keys));
  return report;
}

function resultsByKey(keys: CdrKey[], ratings: Map<string, RatingSummary | 'archived'>): CdrResult[] {
  return keys.map((key, i) => {
    const rating = ratings.get(cdrKeyId(key));
    const ids = { bridgeId: key.bridgeId, recordId: key.recordId };
    if (rating && rating !== 'archived') return { ...ids, outcome: 'accepted', violations: [], rating };
    const reason = rating
      ? 'its month was archived by retention: nothing to retry'
      : 'no stored CDR has this bridge_id and record_id';
    return { ...ids, outcome: 'rejected', violations: [{ field: `cdr_keys[${i}]`, reason }] };
  });
}
