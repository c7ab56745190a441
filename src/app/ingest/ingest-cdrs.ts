/**
 * Ingesting a batch of CDRs: validate each record, price the valid ones, store them exactly once
 * (the database decides what is new), and say per record what happened. One bad record never
 * rejects its neighbours; a stored record is never overwritten. A batch sent with a request key
 * (SubmitCdrs' request_id) is stored at most once per key and answers a retry with its first result.
 */
import { cdrConflictFields, cdrFingerprint } from '../../domain/cdr-fingerprint';
import { validateCdr, type CdrDraft } from '../../domain/cdr-validation';
import type { FieldViolation } from '../../domain/errors';
import type { RequestKey } from '../mutations';
import { loadBatchFacts, priceCdr, pricedWithOf } from './price-batch';
import type {
  BookingDirectory,
  CdrRater,
  CdrStore,
  CdrToStore,
  CustomerDirectory,
  IdempotentCdrStore,
  PricedCharge,
  RatingDecision,
  StoreOutcome,
} from './ports';

export type CdrOutcome = 'accepted' | 'duplicate' | 'conflict' | 'rejected';

export interface CdrResult {
  bridgeId: string;
  recordId: string;
  outcome: CdrOutcome;
  violations: FieldViolation[];
  /** Only for accepted records: how the CDR was priced, or why it could not be. */
  rating?: RatingSummary;
}

/**
 * What a result says about pricing: the charge's amount, currency and rule set, or why the CDR is
 * unrated. The fired rules and the explanation stay with the stored charge, so a result is small
 * enough to keep as the stored reply of an idempotent request.
 */
export type RatingSummary =
  | { rated: true; charge: Pick<PricedCharge, 'amount' | 'currency' | 'ruleSetHash'> }
  | { rated: false; reason: string };

export interface IngestDeps {
  store: CdrStore;
  rater: CdrRater;
  /** When given, a CDR of an account it does not know is stored unrated ("unknown customer"). */
  customers?: CustomerDirectory;
  /** When given, features booked for a CDR's booking are priced as if the leg used them. */
  bookings?: BookingDirectory;
  /** The clock's "now": how far in the future a CDR may start (src/app/clock.ts). */
  now: () => Date;
}

/** Ingest that also takes request keys (SubmitCdrs): the store keeps them with the batch. */
export interface KeyedIngestDeps extends IngestDeps {
  store: IdempotentCdrStore;
}

export async function ingestCdrs(deps: IngestDeps, drafts: CdrDraft[]): Promise<CdrResult[]> {
  return storePrepared(deps, await prepareCdrs(deps, drafts));
}

/** A batch validated and priced, not stored yet: what a stream holds while the batch before commits. */
export interface PreparedBatch {
  readonly toStore: CdrToStore[];
  complete(stored: StoreOutcome[]): CdrResult[];
}

/**
 * ingestCdrs in two steps, so a stream can price batch N+1 while batch N commits: prepareCdrs
 * validates and prices (no writes), storePrepared commits and answers the results. Each batch is
 * still acknowledged only after its own commit.
 */
export async function storePrepared(deps: IngestDeps, batch: PreparedBatch): Promise<CdrResult[]> {
  const [results] = await storePreparedTogether(deps, [batch]);
  return results!;
}

/**
 * Several prepared batches of one stream in ONE statement and commit (group commit): under a slow
 * disk a stream of small batches pays one flush per group instead of one per batch. The outcomes
 * are the same as committing them one after the other: the store answers a record that an earlier
 * batch of the group carries as a duplicate or conflict of it (cdr-store.ts decides each key once).
 */
export async function storePreparedTogether(
  deps: IngestDeps,
  batches: readonly PreparedBatch[],
): Promise<CdrResult[][]> {
  const rows = batches.flatMap((b) => b.toStore);
  const stored = rows.length ? await deps.store.insertBatch(rows) : [];
  let from = 0;
  return batches.map((b) => {
    const own = stored.slice(from, from + b.toStore.length);
    from += b.toStore.length;
    return b.complete(own);
  });
}

/**
 * ingestCdrs at most once per request key: a retry with the same key and CDRs answers the first
 * results (ACCEPTED stays ACCEPTED, instead of turning into DUPLICATE) and stores nothing again;
 * the same key with other CDRs is refused with FAILED_PRECONDITION. `replayed`: this call stored
 * nothing and answered the first call's results.
 */
export async function ingestCdrsOnce(
  deps: KeyedIngestDeps,
  key: RequestKey,
  drafts: CdrDraft[],
): Promise<{ results: CdrResult[]; replayed: boolean }> {
  const batch = await prepareCdrs(deps, drafts);
  let replayed = true;
  const results = await deps.store.insertBatchOnce(key, batch.toStore, (stored) => {
    replayed = false;
    return batch.complete(stored);
  });
  return { results, replayed };
}

/** Validates and prices a batch; `complete` turns the store's outcomes into one result per draft. */
export async function prepareCdrs(deps: IngestDeps, drafts: CdrDraft[]): Promise<PreparedBatch> {
  const now = deps.now();
  const results = new Array<CdrResult>(drafts.length);
  const toStore: CdrToStore[] = [];
  const storeIndex: number[] = [];
  const firstInBatch = new Map<string, Omit<CdrToStore, 'rating'>>();

  drafts.forEach((draft, i) => {
    const ids = { bridgeId: draft.bridgeId ?? '', recordId: draft.recordId ?? '' };
    const checked = validateCdr(draft, now);
    if (!checked.ok) {
      results[i] = { ...ids, outcome: 'rejected', violations: checked.violations };
      return;
    }
    const cdr = checked.cdr;
    const fingerprint = cdrFingerprint(cdr);
    const key = `${cdr.bridgeId}\u0000${cdr.recordId}`;
    const earlier = firstInBatch.get(key);
    if (earlier) {
      // The same record twice in one batch: the first one is stored, the second compared with it.
      results[i] =
        earlier.fingerprint === fingerprint
          ? { ...ids, outcome: 'duplicate', violations: [] }
          : { ...ids, outcome: 'conflict', violations: cdrConflictFields(earlier.cdr, cdr) };
      return;
    }
    const row = { cdr, fingerprint };
    firstInBatch.set(key, row);
    toStore.push({ ...row, rating: { rated: false, reason: 'not priced yet' } });
    storeIndex.push(i);
  });

  // Price with what is known of each customer and booking (one lookup each for the whole batch).
  const facts = await loadBatchFacts(
    deps,
    toStore.map((r) => r.cdr),
  );
  for (const row of toStore) {
    row.rating = priceCdr(deps, row.cdr, facts);
    if (row.rating.rated) row.pricedWith = pricedWithOf(row.cdr, facts);
  }

  const complete = (stored: StoreOutcome[]): CdrResult[] => {
    stored.forEach((outcome, j) => {
      const row = toStore[j]!;
      const i = storeIndex[j]!;
      const ids = { bridgeId: row.cdr.bridgeId, recordId: row.cdr.recordId };
      if (outcome.inserted)
        results[i] = { ...ids, outcome: 'accepted', violations: [], rating: summarize(row.rating) };
      else if (outcome.storedFingerprint === row.fingerprint)
        results[i] = { ...ids, outcome: 'duplicate', violations: [] };
      else {
        // Same identity, different content: report it, keep what is stored.
        const violations = outcome.stored
          ? cdrConflictFields(outcome.stored, row.cdr)
          : [{ field: 'record_id', reason: ARCHIVED_CONFLICT }];
        results[i] = { ...ids, outcome: 'conflict', violations };
      }
    });
    return results;
  };
  return { toStore, complete };
}

const ARCHIVED_CONFLICT =
  'conflicts with a stored record of the same id whose month was archived by retention; the stored record is kept';

function summarize(decision: RatingDecision): RatingSummary {
  if (!decision.rated) return decision;
  const { amount, currency, ruleSetHash } = decision.charge;
  return { rated: true, charge: { amount, currency, ruleSetHash } };
}
