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
import type { InvoiceStore } from './ports';

export interface RunningChargesDeps {
  store: Pick<InvoiceStore, 'periodTerms' | 'runningTotals' | 'unratedCount'>;
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

export async function getRunningCharges(
  deps: RunningChargesDeps,
  input: RunningChargesInput,
): Promise<RunningCharges> {
  const { customerAccount } = input;
  if (!customerAccount) throw new ValidationError([{ field: 'customer_account', reason: 'required' }]);
  const customer = await deps.store.periodTerms(customerAccount);
  if (!customer) throw new NotFoundError(`no customer ${quoteForMessage(customerAccount)}`);
  const at = input.asOf ?? deps.now();
  const period = periodAt(at, periodOptionsAt(customer, at));
  const day = DateTime.fromJSDate(at, { zone: customer.timeZone });
  // A period starts at a local midnight; the later of the two bounds keeps a stray layout safe.
  const dayStart = new Date(Math.max(day.startOf('day').toMillis(), period.start.getTime()));
  const [rows, unrated] = await Promise.all([
    deps.store.runningTotals(customerAccount, {
      fromLocalDate: period.startDate,
      untilLocalDate: day.toISODate()!,
      untilDayStart: dayStart,
      until: at,
    }),
    deps.store.unratedCount(customerAccount, period.start, at),
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
