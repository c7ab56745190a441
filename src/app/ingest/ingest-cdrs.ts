/**
 * Ingesting a batch of CDRs: validate each record, price the valid ones, store them exactly once
 * (the database decides what is new), and say per record what happened. One bad record never
 * rejects its neighbours; a stored record is never overwritten.
 */
import { cdrConflictFields, cdrFingerprint, validateCdr, type CdrDraft } from '../../domain/cdr-validation';
import type { FieldViolation } from '../../domain/errors';
import type { CdrRater, CdrStore, CdrToStore, CustomerDirectory, RatingDecision } from './ports';
import type { Cdr } from '../../domain/cdr';

export type CdrOutcome = 'accepted' | 'duplicate' | 'conflict' | 'rejected';

export interface CdrResult {
  bridgeId: string;
  recordId: string;
  outcome: CdrOutcome;
  violations: FieldViolation[];
  /** Only for accepted records: how the CDR was priced, or why it could not be. */
  rating?: RatingDecision;
}

export interface IngestDeps {
  store: CdrStore;
  rater: CdrRater;
  /** When given, a CDR of an account it does not know is stored unrated ("unknown customer"). */
  customers?: CustomerDirectory;
  now?: () => Date;
}

export async function ingestCdrs(drafts: CdrDraft[], deps: IngestDeps): Promise<CdrResult[]> {
  const now = deps.now?.() ?? new Date();
  const results: CdrResult[] = new Array(drafts.length);
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

  // Price with what is known of each customer (one directory lookup for the whole batch).
  const facts = deps.customers ? await deps.customers.pricingFacts([...new Set(toStore.map((r) => r.cdr.customerAccount))]) : undefined;
  for (const row of toStore) row.rating = rate(row.cdr, deps, facts);

  const stored = toStore.length ? await deps.store.insertBatch(toStore) : [];
  stored.forEach((outcome, j) => {
    const row = toStore[j]!;
    const i = storeIndex[j]!;
    const ids = { bridgeId: row.cdr.bridgeId, recordId: row.cdr.recordId };
    if (outcome.inserted) results[i] = { ...ids, outcome: 'accepted', violations: [], rating: row.rating };
    else if (outcome.storedFingerprint === row.fingerprint) results[i] = { ...ids, outcome: 'duplicate', violations: [] };
    else {
      // Same identity, different content: report it, keep what is stored.
      results[i] = { ...ids, outcome: 'conflict', violations: cdrConflictFields(outcome.stored, row.cdr) };
    }
  });
  return results;
}

/** Prices one CDR; with a customer directory, an account it does not know is "unknown customer". */
export function rate(
  cdr: Cdr,
  deps: Pick<IngestDeps, 'rater'>,
  facts: Awaited<ReturnType<CustomerDirectory['pricingFacts']>> | undefined,
): RatingDecision {
  if (!facts) return deps.rater.rate(cdr);
  const customer = facts.get(cdr.customerAccount);
  if (!customer) return { rated: false, reason: `unknown customer account ${JSON.stringify(cdr.customerAccount)}` };
  return deps.rater.rate(cdr, customer);
}
