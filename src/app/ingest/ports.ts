/**
 * What the ingest use case needs from the outside world, as interfaces. The persistence layer
 * implements CdrStore; the rating layer implements CdrRater. Tests can hand in either.
 */
import type { AccessType, Cdr, Feature } from '../../domain/cdr';
import type { CitedBooking } from '../../domain/cited-booking';
import type { ChargePart } from '../../domain/rating/charge-parts';
import type { ChargeQuantities } from '../../domain/rating/charge-quantities';
import type { Explanation } from '../../domain/rating/types';
import type { RequestKey } from '../mutations';

/** A charge computed for a CDR, ready to store beside it. */
export interface PricedCharge {
  amount: string;
  currency: string;
  ruleSetHash: string;
  firedRules: string[];
  /** Typed, so storage derives the charge's quantities (zone, billed seconds) from it, not from JSON. */
  explanation: Explanation;
  /**
   * The charge's zone and billed seconds, as chargeQuantities(explanation) gives them, without
   * building the explanation (rating's integer path answers from its plan). Absent: read the explanation.
   */
  quantities?: (durationSeconds: number) => ChargeQuantities;
  /** What the price is made of, for invoice lines (src/domain/rating/charge-parts.ts). */
  parts: ChargePart[];
}

export type RatingDecision = { rated: true; charge: PricedCharge } | { rated: false; reason: string };

export interface CdrRater {
  /**
   * Prices one valid CDR with what is known of its customer; never throws for a valid CDR (an
   * unpriceable one is `rated: false`).
   */
  rate(cdr: Cdr, customer?: CustomerPricingFacts): RatingDecision;
}

export interface CdrToStore {
  cdr: Cdr;
  fingerprint: string;
  rating: RatingDecision;
  /**
   * What the charge was priced with besides the CDR and its rule set. Stored instead of the
   * explanation's words, which are re-derived from it and the archived rule set when asked for
   * (explain-charge.ts): a narrow charge row is what lets ingest keep up with the database.
   */
  pricedWith?: PricedWith;
}

/**
 * The facts a rated charge was priced with, as they were at ingest (a customer's contract or time
 * zone may change later; the charge's explanation must not).
 */
export interface PricedWith {
  /** The customer's facts; absent when the service priced at list prices (no customer directory). */
  customer?: {
    timeZone: string;
    currency: string;
    /** The contract valid at the call's start, if any. */
    contract?: Omit<CustomerPricingFacts['contracts'][number], 'validFrom' | 'validTo'>;
  };
  /** Features priced beyond the CDR's own (booked for its booking), sorted. */
  bookedFeatures?: Feature[];
}

/**
 * What storing one record did (one outcome per row handed to insertBatch, in the same order). A
 * record already stored answers its fingerprint and, while its month is kept, its fields
 * (`stored`); after retention dropped the month only the key and the fingerprint remain, which
 * still tell a duplicate from a conflict.
 */
export type StoreOutcome = { inserted: true } | { inserted: false; storedFingerprint: string; stored?: Cdr };

export interface CdrStore {
  /**
   * Inserts the CDRs and the charges of the rated ones in ONE transaction, skipping CDRs whose
   * (bridge id, record id) is already stored; resolves only after COMMIT. A key that occurs twice
   * in `rows` is decided by its first copy; the later copy is answered against it, as if stored
   * by an earlier batch.
   */
  insertBatch(rows: CdrToStore[]): Promise<StoreOutcome[]>;
}

/** The database's CDR store, which also keeps request keys: what SubmitCdrs (with its request_id) needs. */
export interface IdempotentCdrStore extends CdrStore {
  /**
   * insertBatch at most once per request key, with the mutations' idempotency table in the same
   * transaction (as bookings and customers use it): `reply` turns the outcomes into the response,
   * which is stored as JSON with the key. A retry with the same key answers the stored response
   * and inserts nothing; the same key with a different request is refused (FailedPreconditionError).
   * `rows` may be empty (every CDR rejected): the key is claimed all the same.
   */
  insertBatchOnce<R>(key: RequestKey, rows: CdrToStore[], reply: (outcomes: StoreOutcome[]) => R): Promise<R>;
}

/** What pricing needs to know about a customer: its time zone and its contracts. */
export interface CustomerPricingFacts {
  timeZone: string;
  currency: string;
  /** Every contract of the customer; pricing picks the one valid at the call's start time. */
  contracts: {
    id: string;
    validFrom: Date;
    /** Exclusive; undefined = open-ended. */
    validTo?: Date;
    pricePlan?: string;
    discountPercent?: string;
    specialPrices: { accessType: AccessType; zone?: string; ratePerMinute: string }[];
  }[];
}

export interface CustomerDirectory {
  /** Pricing facts for these customer accounts (external ids); unknown accounts are absent from the map. */
  pricingFacts(accounts: string[]): Promise<Map<string, CustomerPricingFacts>>;
}

export interface BookingDirectory {
  /**
   * These bookings' customer account, bridge, status and features, in one query; unknown ids are
   * absent. Whether a CDR citing one is charged its features is bookedFeaturesOf's call.
   */
  citedBookings(bookingIds: string[]): Promise<Map<string, CitedBooking>>;
}

/** A stored current charge with what it takes to explain it. */
export interface StoredCharge {
  cdr: Cdr;
  amount: string;
  currency: string;
  ruleSetHash: string;
  /** The rules that fired, in firing order. */
  firedRules: string[];
  /** The words stored with the charge (rerates, retries and charges stored before narrow rows). */
  explanation?: Explanation;
  /** What ingest priced it with, when it stored no words. */
  pricedWith?: PricedWith;
}

export interface StoredCharges {
  /** The current charge of a CDR; undefined when the CDR is unknown or unrated. */
  currentCharge(bridgeId: string, recordId: string): Promise<StoredCharge | undefined>;
}
