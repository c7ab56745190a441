/**
 * Unrated CDRs are never dropped: they wait, visible, until their data is fixed (the customer is
 * created, a rate is added), and are then priced again. A CDR that is priced by a retry gets its
 * charge in the same transaction that marks it rated, and only once even when two retries race.
 */
import type { Cdr, CdrKey } from '../../domain/cdr';
import { ValidationError } from '../../domain/errors';
import type { IngestDeps } from './ingest-cdrs';
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
  return {
    retried: rows.length,
    rated: nowRated.size,
    stillUnrated: decisions
      .filter((d) => !d.decision.rated)
      .map((d) => ({ cdr: d.cdr, reason: (d.decision as { reason: string }).reason })),
  };
}
