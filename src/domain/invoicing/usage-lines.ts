/**
 * From charge summaries to usage invoice lines.
 *
 * Usage lines: charge summaries are grouped by access type + zone (default) or by conference, and
 * always also by VAT rate and by service period (late charges of an earlier period get their own
 * lines, "(period 2026-10)"). Quantity = sum of minutes (shown with at most 4 decimals); unit price =
 * unrounded amount / unrounded minutes, rounded to 4 decimals (informative); net amount = unrounded
 * amount rounded to 2 decimals (ROUND_HALF_UP). Lines with zero minutes but an amount (connect fees of
 * unanswered legs, say) are counted in calls (unit C62) instead.
 */
import type { AccessType } from '../cdr';
import { Decimal, ZERO, formatAmount, parseAmount } from '../money';
import { roundLineAmount } from './totals';
import type { ChargeSummary, InvoiceLineInput } from './types';
import { accessOrder, cmpStr, groupSummaries, lateKey, type UsageGroup } from './usage-groups';

export type LineGrouping = 'access_type_zone' | 'conference';

export const ACCESS_TYPE_LABELS: Record<AccessType, string> = {
  local_dial_in: 'Dial-in, local number',
  toll_free_dial_in: 'Dial-in, toll-free number',
  dial_out: 'Dial-out',
  web: 'Web / VoIP',
};

/** A line before it has its VAT category and number; `amount` is the unrounded sum behind it. */
export type DraftLine = Omit<InvoiceLineInput, 'vatCategory'>;

/** Quantity for display: at most 4 decimals, no trailing zeros. */
export function formatQuantity(q: Decimal): string {
  return q.toDecimalPlaces(4).toFixed();
}

function describeUsage(g: UsageGroup): string {
  let text =
    g.conferenceId !== undefined ? `Conference ${g.conferenceId}` : ACCESS_TYPE_LABELS[g.accessType!];
  if (g.zone !== undefined) text += `, zone ${g.zone}`;
  if (g.servicePeriodKey !== undefined) text += ` (period ${g.servicePeriodKey})`;
  return text;
}

function usageLine(g: UsageGroup): DraftLine {
  const byMinutes = !g.minutes.isZero() || g.amount.isZero();
  const quantity = byMinutes ? g.minutes : new Decimal(g.calls);
  const unitPrice = quantity.isZero() ? ZERO : g.amount.dividedBy(quantity);
  const line: DraftLine = {
    kind: 'usage',
    description: describeUsage(g),
    calls: g.calls,
    quantity: formatQuantity(quantity),
    unitCode: byMinutes ? 'MIN' : 'C62',
    unitPrice: formatAmount(unitPrice.toDecimalPlaces(4), 4),
    netAmount: formatAmount(roundLineAmount(g.amount), 2),
    vatRate: g.vatRate,
  };
  if (g.accessType !== undefined) line.accessType = g.accessType;
  if (g.zone !== undefined) line.zone = g.zone;
  if (g.conferenceId !== undefined) line.conferenceId = g.conferenceId;
  if (g.servicePeriodKey !== undefined) line.servicePeriodKey = g.servicePeriodKey;
  return line;
}

export interface GroupOptions {
  currency: string;
  /** VAT rate for summaries without one, percent. */
  defaultVatRate: string;
  grouping?: LineGrouping;
  /** The invoice's own period: summaries whose servicePeriodKey equals it are not "late". */
  periodKey?: string;
}

/** Usage lines from charge summaries (see the module comment). Deterministic order. */
export function groupChargeLines(charges: readonly ChargeSummary[], options: GroupOptions): DraftLine[] {
  const vatRateOf = (c: ChargeSummary) => parseAmount(c.vatRate ?? options.defaultVatRate).toFixed();
  const byConference = options.grouping === 'conference';
  const groups = groupSummaries(
    charges,
    (c) => {
      const late = lateKey(c, options.periodKey);
      const k: Omit<UsageGroup, 'minutes' | 'calls' | 'amount' | 'vatRate'> = byConference
        ? { conferenceId: c.conferenceId }
        : { accessType: c.accessType, ...(c.zone !== undefined ? { zone: c.zone } : {}) };
      if (late !== undefined) k.servicePeriodKey = late;
      return k;
    },
    options.currency,
    vatRateOf,
  );
  groups.sort(
    (a, b) =>
      cmpStr(a.servicePeriodKey, b.servicePeriodKey) ||
      cmpStr(a.conferenceId, b.conferenceId) ||
      accessOrder(a.accessType) - accessOrder(b.accessType) ||
      cmpStr(a.zone, b.zone) ||
      new Decimal(b.vatRate).comparedTo(a.vatRate),
  );
  return groups.map(usageLine);
}
