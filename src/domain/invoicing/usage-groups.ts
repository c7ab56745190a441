/**
 * Charge summaries gathered into usage groups: the grouping shared by the usage lines and the
 * included-minutes pricing, and the sort helpers both use.
 */
import { ACCESS_TYPES, type AccessType } from '../cdr';
import { type Decimal, ZERO, parseAmount } from '../money';
import type { ChargeSummary } from './types';

export interface UsageGroup {
  accessType?: AccessType;
  zone?: string;
  conferenceId?: string;
  servicePeriodKey?: string;
  vatRate: string;
  minutes: Decimal;
  calls: number;
  amount: Decimal;
}

export function accessOrder(a?: AccessType): number {
  return a === undefined ? -1 : ACCESS_TYPES.indexOf(a);
}

export function cmpStr(a: string | undefined, b: string | undefined): number {
  return (a ?? '').localeCompare(b ?? '');
}

export function groupSummaries(
  charges: readonly ChargeSummary[],
  keyOf: (c: ChargeSummary) => Omit<UsageGroup, 'minutes' | 'calls' | 'amount' | 'vatRate'>,
  currency: string,
  vatRateOf: (c: ChargeSummary) => string,
): UsageGroup[] {
  const groups = new Map<string, UsageGroup>();
  for (const c of charges) {
    if (c.currency !== currency)
      throw new RangeError(`charge in ${c.currency} on a ${currency} invoice (conference ${c.conferenceId})`);
    if (!Number.isInteger(c.calls) || c.calls < 0) throw new RangeError(`bad call count ${c.calls}`);
    const minutes = parseAmount(c.minutes);
    if (minutes.isNegative()) throw new RangeError(`negative minutes ${c.minutes}`);
    const k = { ...keyOf(c), vatRate: vatRateOf(c) };
    const id = JSON.stringify([k.accessType, k.zone, k.conferenceId, k.servicePeriodKey, k.vatRate]);
    const g = groups.get(id) ?? { ...k, minutes: ZERO, calls: 0, amount: ZERO };
    g.minutes = g.minutes.plus(minutes);
    g.calls += c.calls;
    g.amount = g.amount.plus(parseAmount(c.amount));
    groups.set(id, g);
  }
  return [...groups.values()];
}

export function lateKey(c: ChargeSummary, periodKey?: string): string | undefined {
  return c.servicePeriodKey !== undefined && c.servicePeriodKey !== periodKey
    ? c.servicePeriodKey
    : undefined;
}
