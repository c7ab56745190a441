/**
 * Where the scheduler starts a customer none of whose periods is closed yet, when a contract of it
 * bills a minimum commitment: a commitment tops up a period without calls too (see
 * close-targets.ts), so its periods are due from the contract's start, calls or not. Without this,
 * a committed customer who never called was never invoiced, and one who first called in March was
 * never billed January and February.
 *
 * Never from before billing began on this installation (InvoiceStore.billingBegan: recorded when the
 * scheduler first found anything charged or closed): contracts imported with a validFrom in 2019, or
 * an old CDR file imported, must not send years of back invoices, and before anything was charged or
 * closed a commitment alone makes nothing due. Billing began on a day; each customer's bound is that day's
 * local midnight in the customer's own time zone, so the first period is the same month everywhere.
 *
 * Once a period of the customer is closed, the scheduler goes on from its end, period after period
 * (close-due-periods.ts): this only decides where the first one is.
 */
import { DateTime } from 'luxon';
import { FailedPreconditionError } from '../../domain/errors';
import { Decimal } from '../../domain/money';
import { periodPricingOf, type PeriodPricingSource } from './build';
import type { BillingBegan, BillingContract, BillingCustomer } from './ports';

/**
 * For each customer: the earliest instant from which a contract of it bills a minimum commitment,
 * billing having begun; undefined when none does (or billing has not begun).
 *
 * Which periods actually carry a commitment is decided per period when it is built (the contract in
 * force at its start, the rule set in force then): this may answer an instant whose period turns out
 * to bill nothing (a contract that starts mid-period is not in force at its start), which then closes
 * without an invoice, as any period without charges does. It must never answer too late: that
 * commitment would never be billed.
 */
export function commitmentStarts(
  billingBegan: BillingBegan | undefined,
  now: Date,
  periodPricing?: PeriodPricingSource,
): (customer: BillingCustomer) => Date | undefined {
  const day = billingBegan && dayOf(billingBegan);
  // Per time zone: laying a day out in a zone costs more than the rest of a customer's check.
  const beganIn = new Map<string, Date>();
  const beganAt = (timeZone: string): Date => {
    let at = beganIn.get(timeZone);
    if (!at) {
      const midnight = DateTime.fromObject(day!, { zone: timeZone });
      if (!midnight.isValid) throw new FailedPreconditionError(`unknown time zone: ${timeZone}`);
      at = midnight.toJSDate();
      beganIn.set(timeZone, at);
    }
    return at;
  };
  return (customer) => {
    if (!day) return undefined;
    let first: Date | undefined;
    for (const contract of customer.contracts) {
      // Its own commitment set to 0 waives the plan's (build.ts periodPricingOf).
      if (contract.minimumCommitment !== undefined && new Decimal(contract.minimumCommitment).isZero())
        continue;
      const start = latest(contract.validFrom, beganAt(customer.timeZone));
      if (start.getTime() > now.getTime()) continue;
      if (contract.validTo && start.getTime() >= contract.validTo.getTime()) continue;
      if (first && first.getTime() <= start.getTime()) continue;
      // The plan's commitment comes from the rule set in force at a period's start: asked at the
      // first and the last instant the contract could be billed for, so that a rule set adding a
      // commitment since is not missed (one that dropped it closes empty periods, harmless).
      const last =
        contract.validTo && contract.validTo.getTime() <= now.getTime()
          ? new Date(contract.validTo.getTime() - 1)
          : now;
      if (
        bills(contract, customer.currency, start, periodPricing) ||
        bills(contract, customer.currency, last, periodPricing)
      )
        first = start;
    }
    return first;
  };
}

/** Whether the contract's period pricing at `at` has a minimum commitment, as build.ts prices it. */
function bills(
  contract: BillingContract,
  currency: string,
  at: Date,
  periodPricing: PeriodPricingSource | undefined,
): boolean {
  let fromRules: ReturnType<PeriodPricingSource>;
  // A commitment of the contract's own replaces the plan's: the rules need not be asked.
  if (contract.minimumCommitment === undefined && periodPricing) {
    try {
      fromRules = periodPricing(at, contract.pricePlan, currency);
    } catch {
      // No valid rule set is loaded: the plan's commitment is unknown. The customer is left for a
      // later run, which starts it from the same period (none of its periods is closed meanwhile).
      fromRules = undefined;
    }
  }
  return periodPricingOf(contract, fromRules)?.rules.minimumCommitment !== undefined;
}

/** The day billing began, where it began (in UTC when that zone is not one Luxon knows). */
function dayOf(began: BillingBegan): {
  year: number;
  month: number;
  day: number;
} {
  let local = DateTime.fromJSDate(began.at, { zone: began.timeZone });
  if (!local.isValid) local = DateTime.fromJSDate(began.at, { zone: 'UTC' });
  return { year: local.year, month: local.month, day: local.day };
}

function latest(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}
