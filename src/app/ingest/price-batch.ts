/**
 * Pricing a batch of CDRs, shared by ingest (new CDRs) and the unrated retry (stored ones): the
 * customers' and bookings' facts are fetched once per batch, then each CDR is priced with them.
 */
import type { Cdr, Feature } from '../../domain/cdr';
import type {
  BookingDirectory,
  CdrRater,
  CustomerDirectory,
  CustomerPricingFacts,
  RatingDecision,
} from './ports';

/** What pricing a batch needs from outside the CDRs, fetched once per batch. */
export interface BatchFacts {
  customers?: Map<string, CustomerPricingFacts>;
  bookedFeatures?: Map<string, Feature[]>;
}

export async function loadBatchFacts(
  deps: { customers?: CustomerDirectory; bookings?: BookingDirectory },
  cdrs: Cdr[],
): Promise<BatchFacts> {
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
export function priceCdr(deps: { rater: CdrRater }, cdr: Cdr, facts: BatchFacts): RatingDecision {
  const booked = cdr.bookingId ? facts.bookedFeatures?.get(cdr.bookingId) : undefined;
  const priced = booked?.some((f) => !cdr.features.includes(f))
    ? { ...cdr, features: [...new Set([...cdr.features, ...booked])].sort() }
    : cdr;
  if (!facts.customers) return deps.rater.rate(priced);
  const customer = facts.customers.get(cdr.customerAccount);
  if (!customer)
    return { rated: false, reason: `unknown customer account ${JSON.stringify(cdr.customerAccount)}` };
  return deps.rater.rate(priced, customer);
}
