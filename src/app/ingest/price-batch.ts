/**
 * Pricing a batch of CDRs, shared by ingest (new CDRs) and the unrated retry (stored ones): the
 * customers' and bookings' facts are fetched once per batch, then each CDR is priced with them.
 */
import type { Cdr, Feature } from '../../domain/cdr';
import { bookedFeaturesOf, type CitedBooking } from '../../domain/cited-booking';
import { contractAt } from '../../domain/contracts/contract-at';
import type {
  BookingDirectory,
  PricedWith,
  CdrRater,
  CustomerDirectory,
  CustomerPricingFacts,
  RatingDecision,
} from './ports';

/** What pricing a batch needs from outside the CDRs, fetched once per batch. */
export interface BatchFacts {
  customers?: Map<string, CustomerPricingFacts>;
  /** The bookings the CDRs cite, as stored: bookedFeaturesOf decides whether a CDR is charged their features. */
  bookings?: Map<string, CitedBooking>;
  /** Booked features known to count, by booking id, used as they are: what a charge was priced with (factsOf). */
  bookedFeatures?: Map<string, Feature[]>;
}

export async function loadBatchFacts(
  deps: { customers?: CustomerDirectory; bookings?: BookingDirectory },
  cdrs: Cdr[],
): Promise<BatchFacts> {
  const bookingIds = [...new Set(cdrs.flatMap((c) => (c.bookingId ? [c.bookingId] : [])))];
  const [customers, bookings] = await Promise.all([
    deps.customers?.pricingFacts([...new Set(cdrs.map((c) => c.customerAccount))]),
    deps.bookings && bookingIds.length ? deps.bookings.citedBookings(bookingIds) : undefined,
  ]);
  return { customers, bookings };
}

/**
 * Prices one CDR. With a customer directory, an account it does not know is "unknown customer";
 * features of the CDR's booking count as used when the booking is the call's own (bookedFeaturesOf;
 * the stored CDR keeps what the bridge sent).
 */
export function priceCdr(deps: { rater: CdrRater }, cdr: Cdr, facts: BatchFacts): RatingDecision {
  const booked = bookedBeyond(cdr, facts);
  const priced = booked.length
    ? { ...cdr, features: [...new Set([...cdr.features, ...booked])].sort() }
    : cdr;
  if (!facts.customers) return deps.rater.rate(priced);
  const customer = facts.customers.get(cdr.customerAccount);
  if (!customer)
    return { rated: false, reason: `unknown customer account ${JSON.stringify(cdr.customerAccount)}` };
  return deps.rater.rate(priced, customer);
}

/** Features booked for the CDR's booking that count for it and that the CDR itself does not carry. */
function bookedBeyond(cdr: Cdr, facts: BatchFacts): Feature[] {
  const booked = cdr.bookingId ? bookedFor(cdr, cdr.bookingId, facts) : undefined;
  return booked ? [...new Set(booked.filter((f) => !cdr.features.includes(f)))].sort() : [];
}

function bookedFor(cdr: Cdr, bookingId: string, facts: BatchFacts): Feature[] | undefined {
  const cited = facts.bookings?.get(bookingId);
  if (!cited) return facts.bookedFeatures?.get(bookingId);
  const verdict = bookedFeaturesOf(cdr, cited);
  return verdict.used ? verdict.features : undefined;
}

/**
 * What priceCdr priced a CDR with, to store beside its charge: the customer's facts narrowed to the
 * contract valid at the call's start, and the booked features.
 */
export function pricedWithOf(cdr: Cdr, facts: BatchFacts): PricedWith {
  const booked = bookedBeyond(cdr, facts);
  const customer = facts.customers?.get(cdr.customerAccount);
  const contract = customer && contractAt(customer.contracts, cdr.startTime);
  return {
    ...(customer && {
      customer: {
        timeZone: customer.timeZone,
        currency: customer.currency,
        ...(contract && {
          contract: {
            id: contract.id,
            pricePlan: contract.pricePlan,
            discountPercent: contract.discountPercent,
            specialPrices: contract.specialPrices,
          },
        }),
      },
    }),
    ...(booked.length ? { bookedFeatures: booked } : {}),
  };
}

/** The earliest instant a Date holds: the stored contract was in force at the call, whenever it was. */
const EARLIEST = new Date(-8.64e15);

/**
 * The inverse of pricedWithOf, for priceCdr: facts that price `cdr` exactly as it was priced at
 * ingest (one open-ended contract, the booked features under the CDR's booking).
 */
export function factsOf(cdr: Cdr, pricedWith: PricedWith): BatchFacts {
  const customer = pricedWith.customer;
  return {
    customers: customer
      ? new Map([
          [
            cdr.customerAccount,
            {
              timeZone: customer.timeZone,
              currency: customer.currency,
              contracts: customer.contract ? [{ ...customer.contract, validFrom: EARLIEST }] : [],
            },
          ],
        ])
      : undefined,
    bookedFeatures:
      pricedWith.bookedFeatures && cdr.bookingId
        ? new Map([[cdr.bookingId, pricedWith.bookedFeatures]])
        : undefined,
  };
}
