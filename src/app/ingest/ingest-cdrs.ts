/**
 * Ingesting a batch of CDRs: validate each record, price the valid ones, store them exactly once
 * (the database decides what is new), and say per record what happened. One bad record never
 * rejects its neighbours; a stored record is never overwritten.
 */
import { cdrConflictFields, cdrFingerprint, validateCdr, type CdrDraft } from '../../domain/cdr-validation';
import type { FieldViolation } from '../../domain/errors';
import type { BookingDirectory, CdrRater, CdrStore, CdrToStore, CustomerDirectory, CustomerPricingFacts, RatingDecision } from './ports';
import type { Cdr, Feature } from '../../domain/cdr';

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
  /** When given, features booked for a CDR's booking are priced as if the leg used them. */
  bookings?: BookingDirectory;
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

  // Price with what is known of each customer and booking (one lookup each for the whole batch).
  const facts = await loadBatchFacts(toStore.map((r) => r.cdr), deps);
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

/** What pricing a batch needs from outside the CDRs, fetched once per batch. */
export interface BatchFacts {
  customers?: Map<string, CustomerPricingFacts>;
  bookedFeatures?: Map<string, Feature[]>;
}

export async function loadBatchFacts(cdrs: Cdr[], deps: Pick<IngestDeps, 'customers' | 'bookings'>): Promise<BatchFacts> {
  const bookingIds = [...new Set(cdrs.flatMap((c) => (c.bookingId ? [c.bookingId] : [])))];
  const [customers, bookedFeatures] = await Promise.all([
    deps.customers?.pricingFacts([...new Set(cdrs.map((c) => c.customerAccount))]),
    deps.bookings && bookingIds.length ? deps.bookings.bookedFeatures(bookingIds) : undefined,
  ]);
  return { customers, bookedFeatures };
}

/**
 * Prices one CDR. With a customer directory, an account it does not know is "unknown customer";
 * features of the CDR's booking count as used (the stored CDR keeps what the bridge sent).
 */
export function rate(cdr: Cdr, deps: Pick<IngestDeps, 'rater'>, facts: BatchFacts): RatingDecision {
  const booked = cdr.bookingId ? facts.bookedFeatures?.get(cdr.bookingId) : undefined;
  const priced = booked?.some((f) => !cdr.features.includes(f)) ? { ...cdr, features: [...new Set([...cdr.features, ...booked])].sort() } : cdr;
  if (!facts.customers) return deps.rater.rate(priced);
  const customer = facts.customers.get(cdr.customerAccount);
  if (!customer) return { rated: false, reason: `unknown customer account ${JSON.stringify(cdr.customerAccount)}` };
  return deps.rater.rate(priced, customer);
}
