/**
 * A customer's running charges: the charges of its open period of calls started before `asOf`,
 * exactly: whole local days from the daily totals, the day of `asOf` up to the instant from its
 * charges (see RunningSpan in ./ports.ts).
 */
import { DateTime } from 'luxon';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { Decimal, ZERO } from '../../domain/money';
import { periodContaining, type BillingPeriod, type PeriodOptions } from '../../domain/periods/index';
import { quoteForMessage } from '../../domain/quote-value';
import { periodOptionsAt } from './build';
import type { InvoiceStore, PeriodTerms } from './ports';

/**
 * The period terms and, when the store knows it, the end of the customer's latest closed period:
 * closing claimed every charge before it, so running charges never count from before it.
 */
export type RunningTerms = PeriodTerms & { closedUntil?: Date | undefined };

export interface RunningChargesDeps {
  store: Pick<InvoiceStore, 'runningTotals' | 'unratedCount'> & {
    periodTerms(account: string): Promise<RunningTerms | undefined>;
  };
  now: () => Date;
}

export interface RunningChargesInput {
  customerAccount: string;
  /** Now when absent. */
  asOf?: Date | undefined;
}

export interface RunningCharges {
  customerAccount: string;
  period: BillingPeriod;
  asOf: Date;
  totals: { currency: string; amount: string }[];
  breakdown: {
    accessType: string;
    zone: string;
    minutes: string;
    calls: number;
    currency: string;
    amount: string;
  }[];
  unratedCount: number;
}

/**
 * The period last laid out per layout (zone, cycle, anchor day), reused while the instant asked
 * about falls in it (a layout's periods never overlap): laying a period out in its time zone was a
 * tenth of a call's time, and successive calls ask about the same period for weeks. Bounded.
 */
const lastPeriods = new Map<string, BillingPeriod>();

function periodAt(at: Date, options: PeriodOptions): BillingPeriod {
  const key = JSON.stringify([options.timeZone, options.cycle, options.anchorDay, options.anchorMonth]);
  const t = at.getTime();
  let period = lastPeriods.get(key);
  if (!period || !(period.start.getTime() <= t && t < period.end.getTime())) {
    period = periodContaining(at, options);
    if (lastPeriods.size >= 1024) lastPeriods.clear();
    lastPeriods.set(key, period);
  }
  // A copy: the caller gets its own Dates.
  return { ...period, start: new Date(period.start), end: new Date(period.end) };
}

/** Periods laid out forward from the last closed one before giving up on following the closings. */
const MAX_PERIODS_AFTER_CLOSED = 36;

/**
 * The period the next invoice will bill, and where its charges start. Closing lays a customer's
 * periods out from the end of its last closed period, each under the contract in force at its
 * start (close-due-periods.ts), and claims only charges not claimed before: so when a contract
 * changed cycle or anchor day since, the period containing `at` under today's contract is not the
 * one being billed (a monthly contract turned quarterly in March would otherwise count January and
 * February again, already invoiced). Without closings, or for an instant before the last closing
 * (a look back), the period containing `at` under the contract in force at `at`.
 */
function openPeriod(customer: RunningTerms, at: Date): { period: BillingPeriod; from: Date } {
  const own = () => {
    const period = periodAt(at, periodOptionsAt(customer, at));
    return { period, from: period.start };
  };
  const closed = customer.closedUntil;
  if (!closed || closed.getTime() > at.getTime()) return own();
  let period = periodAt(closed, periodOptionsAt(customer, closed));
  for (let n = 0; period.end.getTime() <= at.getTime(); n++) {
    if (n >= MAX_PERIODS_AFTER_CLOSED) return own();
    period = periodAt(period.end, periodOptionsAt(customer, period.end));
  }
  return { period, from: new Date(Math.max(period.start.getTime(), closed.getTime())) };
}

export async function getRunningCharges(
  deps: RunningChargesDeps,
  input: RunningChargesInput,
): Promise<RunningCharges> {
  const { customerAccount } = input;
  if (!customerAccount) throw new ValidationError([{ field: 'customer_account', reason: 'required' }]);
  const customer = await deps.store.periodTerms(customerAccount);
  if (!customer) throw new NotFoundError(`no customer ${quoteForMessage(customerAccount)}`);
  const at = input.asOf ?? deps.now();
  const { period, from } = openPeriod(customer, at);
  const day = DateTime.fromJSDate(at, { zone: customer.timeZone });
  // A period starts at a local midnight; the later of the two bounds keeps a stray layout safe.
  const dayStart = new Date(Math.max(day.startOf('day').toMillis(), from.getTime()));
  const [rows, unrated] = await Promise.all([
    deps.store.runningTotals(customerAccount, {
      fromLocalDate:
        from.getTime() === period.start.getTime()
          ? period.startDate
          : DateTime.fromJSDate(from, { zone: customer.timeZone }).toISODate()!,
      untilLocalDate: day.toISODate()!,
      untilDayStart: dayStart,
      until: at,
    }),
    deps.store.unratedCount(customerAccount, from, at),
  ]);
  const totals = new Map<string, Decimal>();
  for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? ZERO).plus(r.amount));
  return {
    customerAccount,
    period,
    asOf: at,
    totals: [...totals].map(([currency, amount]) => ({ currency, amount: amount.toFixed() })),
    breakdown: rows.map((r) => ({
      accessType: r.accessType,
      zone: r.zone,
      minutes: new Decimal(r.billedSeconds).dividedBy(60).toDecimalPlaces(4).toFixed(),
      calls: r.calls,
      currency: r.currency,
      amount: r.amount,
    })),
    unratedCount: unrated,
  };
}
