/**
 * Billing periods: half-open intervals [start, end) of UTC instants, laid out in the customer's IANA
 * time zone.
 *
 * Rules (also in docs/invoicing.md):
 * - A period starts at local midnight (00:00 in the customer's zone) on `anchorDay` of its first month
 *   and ends where the next period starts. Its length in hours therefore follows the zone's DST
 *   changes (a Stockholm month containing the spring change is one hour shorter); `start`/`end` are
 *   the exact UTC instants, so consecutive periods tile time without gap or overlap.
 * - Cycles: MONTHLY (1 month), QUARTERLY (3 months), YEARLY (12 months). Quarters and years are
 *   aligned on `anchorMonth` (1..12, default 1 = January): QUARTERLY with anchorMonth 1 starts
 *   periods in January, April, July and October; YEARLY with anchorMonth 4 runs April to March.
 * - `anchorDay` is 1..28 (default 1). Days 29–31 are refused (FailedPreconditionError: a customer's
 *   contract cannot be laid out in periods): they do not exist in
 *   every month, and clamping them would make periods of different anchors collide (Jan 31 -> Feb 28
 *   -> Mar 28 drifts). Contracts that start on the 29th–31st should anchor on the 1st or the 28th.
 * - If local midnight does not exist in the zone on that day (a DST gap at midnight, as in some
 *   American zones), the period starts at the first instant that exists (Luxon moves forward).
 * - A charge belongs to the period that contains its call's start instant.
 *
 * Period keys (stable, for unique keys together with the customer id; they do not include the zone):
 * - MONTHLY, anchorDay 1: "2026-11"
 * - QUARTERLY, anchorDay 1, anchorMonth in {1,4,7,10}: "2026-Q4"
 * - YEARLY, anchorDay 1, anchorMonth 1: "2026"
 * - anything else: local start and end dates, "2026-11-15/2026-12-15" (end exclusive).
 */
import { DateTime } from 'luxon';
import { FailedPreconditionError, ValidationError } from '../errors';

export const BILLING_CYCLES = ['MONTHLY', 'QUARTERLY', 'YEARLY'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

export interface PeriodOptions {
  /** IANA zone of the customer, e.g. "Europe/Stockholm". */
  timeZone: string;
  /** Default MONTHLY. */
  cycle?: BillingCycle;
  /** Day of the month periods start on, 1..28. Default 1. */
  anchorDay?: number;
  /** Month (1..12) quarters and years are aligned on. Default 1 (January). Ignored for MONTHLY. */
  anchorMonth?: number;
}

export interface BillingPeriod {
  /** Inclusive start, UTC instant. */
  start: Date;
  /** Exclusive end, UTC instant. */
  end: Date;
  /** Stable key, see the module comment. */
  key: string;
  /** Local start date in the customer's zone, "YYYY-MM-DD" (inclusive). */
  startDate: string;
  /** Local end date in the customer's zone, "YYYY-MM-DD" (exclusive: the next period's first day). */
  endDate: string;
  timeZone: string;
  cycle: BillingCycle;
  anchorDay: number;
  anchorMonth: number;
}

const CYCLE_MONTHS: Record<BillingCycle, number> = { MONTHLY: 1, QUARTERLY: 3, YEARLY: 12 };

interface NormalizedOptions {
  timeZone: string;
  cycle: BillingCycle;
  anchorDay: number;
  anchorMonth: number;
}

/** A period key or instant in a request that names no period. */
function badPeriod(reason: string): ValidationError {
  return new ValidationError([{ field: 'period', reason }]);
}

/** Options that lay out no periods come from a stored contract: the request is fine, the state is not. */
function normalize(options: PeriodOptions): NormalizedOptions {
  const cycle = options.cycle ?? 'MONTHLY';
  if (!BILLING_CYCLES.includes(cycle))
    throw new FailedPreconditionError(`unknown billing cycle: ${String(cycle)}`);
  const anchorDay = options.anchorDay ?? 1;
  if (!Number.isInteger(anchorDay) || anchorDay < 1 || anchorDay > 28) {
    throw new FailedPreconditionError(`anchorDay must be an integer 1..28, got ${anchorDay}`);
  }
  const anchorMonth = cycle === 'MONTHLY' ? 1 : (options.anchorMonth ?? 1);
  if (!Number.isInteger(anchorMonth) || anchorMonth < 1 || anchorMonth > 12) {
    throw new FailedPreconditionError(`anchorMonth must be an integer 1..12, got ${anchorMonth}`);
  }
  if (!DateTime.local().setZone(options.timeZone).isValid) {
    throw new FailedPreconditionError(`unknown time zone: ${options.timeZone}`);
  }
  return { timeZone: options.timeZone, cycle, anchorDay, anchorMonth };
}

/** Month index = year * 12 + (month - 1). */
function localStart(monthIndex: number, o: NormalizedOptions): DateTime {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return DateTime.fromObject({ year, month, day: o.anchorDay }, { zone: o.timeZone }).startOf('day');
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

function keyFor(startIndex: number, startLocal: DateTime, endLocal: DateTime, o: NormalizedOptions): string {
  if (o.anchorDay === 1) {
    if (o.cycle === 'MONTHLY') return startLocal.toFormat('yyyy-MM');
    if (o.cycle === 'QUARTERLY' && mod(o.anchorMonth - 1, 3) === 0) {
      return `${startLocal.year}-Q${Math.floor(mod(startIndex, 12) / 3) + 1}`;
    }
    if (o.cycle === 'YEARLY' && o.anchorMonth === 1) return String(startLocal.year);
  }
  return `${startLocal.toISODate()}/${endLocal.toISODate()}`;
}

function build(startIndex: number, o: NormalizedOptions): BillingPeriod {
  const s = localStart(startIndex, o);
  const e = localStart(startIndex + CYCLE_MONTHS[o.cycle], o);
  return {
    start: s.toUTC().toJSDate(),
    end: e.toUTC().toJSDate(),
    key: keyFor(startIndex, s, e, o),
    startDate: s.toISODate()!,
    endDate: e.toISODate()!,
    timeZone: o.timeZone,
    cycle: o.cycle,
    anchorDay: o.anchorDay,
    anchorMonth: o.anchorMonth,
  };
}

/** The period that contains `instant` (start <= instant < end). */
export function periodContaining(instant: Date, options: PeriodOptions): BillingPeriod {
  const o = normalize(options);
  const t = instant.getTime();
  if (Number.isNaN(t)) throw badPeriod('invalid instant');
  const local = DateTime.fromMillis(t, { zone: o.timeZone });
  const n = CYCLE_MONTHS[o.cycle];
  const monthIndex = local.year * 12 + (local.month - 1);
  let startIndex = monthIndex - mod(monthIndex - (o.anchorMonth - 1), n);
  // Before the anchor day (local) of the aligned month, the instant belongs to the previous period.
  if (localStart(startIndex, o).toMillis() > t) startIndex -= n;
  return build(startIndex, o);
}

function optionsOf(period: BillingPeriod): PeriodOptions {
  return {
    timeZone: period.timeZone,
    cycle: period.cycle,
    anchorDay: period.anchorDay,
    anchorMonth: period.anchorMonth,
  };
}

/** The period that starts where `period` ends. */
export function nextPeriod(period: BillingPeriod): BillingPeriod {
  return periodContaining(period.end, optionsOf(period));
}

/** The period that ends where `period` starts. */
export function previousPeriod(period: BillingPeriod): BillingPeriod {
  return periodContaining(new Date(period.start.getTime() - 1), optionsOf(period));
}

/** The period's key (same as `period.key`). */
export function periodKey(period: BillingPeriod): string {
  return period.key;
}

/** True when start <= instant < end. */
export function periodContains(period: BillingPeriod, instant: Date): boolean {
  const t = instant.getTime();
  return t >= period.start.getTime() && t < period.end.getTime();
}

/**
 * The period a key names under these options ("2026-11", "2026-Q4", "2026", "2026-11-15/2026-12-15"),
 * for `billing invoices close --period`. Throws a ValidationError (field `period`) when the key does
 * not name a period of this cycle and anchor.
 */
export function periodFromKey(key: string, options: PeriodOptions): BillingPeriod {
  const o = normalize(options);
  let year: number;
  let month: number;
  let day = 1;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(key))) {
    year = Number(m[1]);
    month = Number(m[2]);
  } else if ((m = /^(\d{4})-Q([1-4])$/.exec(key))) {
    year = Number(m[1]);
    month = (Number(m[2]) - 1) * 3 + 1;
  } else if ((m = /^(\d{4})$/.exec(key))) {
    year = Number(m[1]);
    month = 1;
  } else if ((m = /^(\d{4})-(\d{2})-(\d{2})\/\d{4}-\d{2}-\d{2}$/.exec(key))) {
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  } else {
    throw badPeriod(`not a period key: ${JSON.stringify(key)}`);
  }
  const local = DateTime.fromObject({ year, month, day }, { zone: o.timeZone });
  if (!local.isValid) throw badPeriod(`not a period key: ${JSON.stringify(key)}`);
  const period = periodContaining(local.toJSDate(), o);
  if (period.key !== key) {
    throw badPeriod(
      `period key ${JSON.stringify(key)} does not match a ${o.cycle} period anchored on day ${o.anchorDay}`,
    );
  }
  return period;
}
