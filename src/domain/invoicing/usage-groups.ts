/**
 * Charge summaries gathered into usage groups, with their priced parts merged per exact price: the
 * grouping shared by the usage lines and the included-minutes pricing, and the sort helpers both use.
 */
import { ACCESS_TYPES, type AccessType } from '../cdr';
import { Decimal, ZERO, parseAmount } from '../money';
import type { ChargeSummary, SummaryPart } from './types';

export interface UsageGroup {
  accessType?: AccessType;
  zone?: string;
  conferenceId?: string;
  servicePeriodKey?: string;
  vatRate: string;
  seconds: Decimal;
  calls: number;
  amount: Decimal;
  /** Parts of equal kind, price, base quantity, discount and feature, quantities summed. */
  parts: SummaryPart[];
}

export function accessOrder(a?: AccessType): number {
  return a === undefined ? -1 : ACCESS_TYPES.indexOf(a);
}

export function cmpStr(a: string | undefined, b: string | undefined): number {
  return (a ?? '').localeCompare(b ?? '');
}

/** What makes two parts one invoice line: everything but the quantity (numbers compared by value). */
export function partKey(p: SummaryPart): string {
  const num = (v: string | undefined) => (v === undefined ? null : new Decimal(v).toFixed());
  return JSON.stringify([
    p.kind,
    p.unitCode,
    num(p.price),
    num(p.baseQuantity),
    num(p.discountPercent),
    p.discountReason ?? null,
    p.feature ?? null,
  ]);
}

function mergeParts(into: SummaryPart[], parts: readonly SummaryPart[]): void {
  for (const p of parts) {
    const q = parseAmount(p.quantity);
    if (q.isNegative()) throw new RangeError(`negative part quantity ${p.quantity}`);
    const k = partKey(p);
    const at = into.findIndex((x) => partKey(x) === k);
    if (at < 0) into.push({ ...p });
    else into[at] = { ...into[at]!, quantity: parseAmount(into[at]!.quantity).plus(q).toFixed() };
  }
}

export function groupSummaries(
  charges: readonly ChargeSummary[],
  keyOf: (c: ChargeSummary) => Omit<UsageGroup, 'seconds' | 'calls' | 'amount' | 'vatRate' | 'parts'>,
  currency: string,
  vatRateOf: (c: ChargeSummary) => string,
): UsageGroup[] {
  const groups = new Map<string, UsageGroup>();
  for (const c of charges) {
    if (c.currency !== currency)
      throw new RangeError(`charge in ${c.currency} on a ${currency} invoice (conference ${c.conferenceId})`);
    if (!Number.isInteger(c.calls) || c.calls < 0) throw new RangeError(`bad call count ${c.calls}`);
    const seconds = parseAmount(c.seconds);
    if (seconds.isNegative()) throw new RangeError(`negative seconds ${c.seconds}`);
    const k = { ...keyOf(c), vatRate: vatRateOf(c) };
    const id = JSON.stringify([k.accessType, k.zone, k.conferenceId, k.servicePeriodKey, k.vatRate]);
    const g = groups.get(id) ?? { ...k, seconds: ZERO, calls: 0, amount: ZERO, parts: [] };
    g.seconds = g.seconds.plus(seconds);
    g.calls += c.calls;
    g.amount = g.amount.plus(parseAmount(c.amount));
    mergeParts(g.parts, c.parts);
    groups.set(id, g);
  }
  return [...groups.values()];
}

export function lateKey(c: ChargeSummary, periodKey?: string): string | undefined {
  return c.servicePeriodKey !== undefined && c.servicePeriodKey !== periodKey
    ? c.servicePeriodKey
    : undefined;
}
