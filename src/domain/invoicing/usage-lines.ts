/**
 * From charge summaries to usage invoice lines that an auditor can recompute.
 *
 * Charge summaries are grouped by access type + zone (default) or by conference, and always also by
 * VAT rate and by service period (late charges of an earlier period get their own lines, "(period
 * 2026-10)"). Within a group, each priced part of one kind, exact price, discount and feature
 * becomes one line: quantity (seconds, or a count) × unit price / base quantity, less the discount
 * as an allowance, is its net amount (./line-price.ts). Never an average price.
 *
 * Each call was rounded to the cent when it was rated, so the calls' amounts add up to a little more
 * or less than the lines; that difference gets one "Rounding" line per VAT rate and service period,
 * and the invoice's usage total is exactly the sum of the calls' charges, as running charges showed.
 */
import type { AccessType } from '../cdr';
import { Decimal, ZERO, formatAmount, parseAmount } from '../money';
import { priceLine } from './line-price';
import { roundLineAmount } from './totals';
import type { ChargeSummary, InvoiceLineInput, LineKind, SummaryPart } from './types';
import { accessOrder, cmpStr, groupSummaries, lateKey, type UsageGroup } from './usage-groups';

export type LineGrouping = 'access_type_zone' | 'conference';

export const ACCESS_TYPE_LABELS: Record<AccessType, string> = {
  local_dial_in: 'Dial-in, local number',
  toll_free_dial_in: 'Dial-in, toll-free number',
  dial_out: 'Dial-out',
  web: 'Web / VoIP',
};

/** The names finance gives zones and access types in the rule files; codes and built-in labels otherwise. */
export interface LineNames {
  zones?: Readonly<Record<string, string>>;
  accessTypes?: Readonly<Partial<Record<AccessType, string>>>;
}

/** A line before it has its VAT category and number. */
export type DraftLine = Omit<InvoiceLineInput, 'vatCategory'>;

/** Quantity for display and storage: exact, no trailing zeros. */
export function formatQuantity(q: Decimal): string {
  return q.toFixed();
}

export function accessName(names: LineNames | undefined, a: AccessType): string {
  return names?.accessTypes?.[a] ?? ACCESS_TYPE_LABELS[a];
}

export function zoneName(names: LineNames | undefined, zone: string): string {
  return names?.zones?.[zone] ?? `zone ${zone}`;
}

/** "Dial-out, Nordic mobile networks" or "Conference C-1", and "(period 2026-10)" for late calls. */
export function usageSubject(
  g: Pick<UsageGroup, 'conferenceId' | 'accessType' | 'zone' | 'servicePeriodKey'>,
  names?: LineNames,
): string {
  let text = g.conferenceId !== undefined ? `Conference ${g.conferenceId}` : accessName(names, g.accessType!);
  if (g.zone !== undefined) text += `, ${zoneName(names, g.zone)}`;
  if (g.servicePeriodKey !== undefined) text += ` (period ${g.servicePeriodKey})`;
  return text;
}

const PART_ORDER: SummaryPart['kind'][] = [
  'usage',
  'connect_fee',
  'minimum_charge',
  'maximum_charge',
  'surcharge',
];

function describePart(p: SummaryPart, subject: string): string {
  switch (p.kind) {
    case 'usage':
      return subject;
    case 'connect_fee':
      return `Connect fee: ${subject}`;
    case 'minimum_charge':
      return `Calls at the minimum charge: ${subject}`;
    case 'maximum_charge':
      return `Calls at the maximum charge: ${subject}`;
    case 'surcharge':
      return `Surcharge ${p.feature ?? ''}: ${subject}`;
  }
}

function partLine(g: UsageGroup, p: SummaryPart, names: LineNames | undefined): DraftLine {
  const discount =
    p.discountPercent !== undefined
      ? { percent: p.discountPercent, reason: p.discountReason ?? `Discount ${p.discountPercent} %` }
      : undefined;
  const price = priceLine({
    quantity: p.quantity,
    unitPrice: p.price,
    baseQuantity: p.baseQuantity,
    discount,
  });
  const line: DraftLine = {
    kind: p.kind satisfies LineKind,
    description: describePart(p, usageSubject(g, names)),
    quantity: p.quantity,
    unitCode: p.unitCode,
    unitPrice: p.price,
    baseQuantity: p.baseQuantity,
    netAmount: price.netAmount,
    vatRate: g.vatRate,
  };
  if (price.allowance) line.allowance = price.allowance;
  if (g.accessType !== undefined) line.accessType = g.accessType;
  if (g.zone !== undefined) line.zone = g.zone;
  if (g.conferenceId !== undefined) line.conferenceId = g.conferenceId;
  if (g.servicePeriodKey !== undefined) line.servicePeriodKey = g.servicePeriodKey;
  return line;
}

function zeroLine(g: UsageGroup, names: LineNames | undefined): DraftLine {
  const line: DraftLine = {
    kind: 'usage',
    description: `${usageSubject(g, names)}: calls without a charge`,
    quantity: String(g.calls),
    unitCode: 'C62',
    unitPrice: '0',
    netAmount: '0.00',
    vatRate: g.vatRate,
  };
  if (g.accessType !== undefined) line.accessType = g.accessType;
  if (g.zone !== undefined) line.zone = g.zone;
  if (g.conferenceId !== undefined) line.conferenceId = g.conferenceId;
  if (g.servicePeriodKey !== undefined) line.servicePeriodKey = g.servicePeriodKey;
  return line;
}

function sortParts(parts: SummaryPart[]): SummaryPart[] {
  return [...parts].sort(
    (a, b) =>
      PART_ORDER.indexOf(a.kind) - PART_ORDER.indexOf(b.kind) ||
      new Decimal(b.price)
        .dividedBy(b.baseQuantity)
        .comparedTo(new Decimal(a.price).dividedBy(a.baseQuantity)) ||
      cmpStr(a.feature, b.feature) ||
      cmpStr(a.discountPercent, b.discountPercent),
  );
}

/** A one-unit line of an amount; a negative amount is quantity -1 at a positive price (EN 16931 BR-27). */
export function amountLine(
  amount: Decimal,
  line: Omit<DraftLine, 'quantity' | 'unitCode' | 'unitPrice' | 'netAmount'>,
): DraftLine {
  const rounded = roundLineAmount(amount);
  return {
    ...line,
    quantity: rounded.isNegative() ? '-1' : '1',
    unitCode: 'C62',
    unitPrice: formatAmount(rounded.abs(), 2),
    netAmount: formatAmount(rounded, 2),
  };
}

export interface GroupOptions {
  currency: string;
  /** VAT rate for summaries without one, percent. */
  defaultVatRate: string;
  grouping?: LineGrouping;
  /** The invoice's own period: summaries whose servicePeriodKey equals it are not "late". */
  periodKey?: string;
  names?: LineNames;
}

/** The usage groups of the summaries, in line order (see the module comment). */
export function usageGroups(charges: readonly ChargeSummary[], options: GroupOptions): UsageGroup[] {
  const vatRateOf = (c: ChargeSummary) => parseAmount(c.vatRate ?? options.defaultVatRate).toFixed();
  const byConference = options.grouping === 'conference';
  const groups = groupSummaries(
    charges,
    (c) => {
      const late = lateKey(c, options.periodKey);
      const k: Omit<UsageGroup, 'seconds' | 'calls' | 'amount' | 'vatRate' | 'parts'> = byConference
        ? { conferenceId: c.conferenceId }
        : { accessType: c.accessType, ...(c.zone !== undefined ? { zone: c.zone } : {}) };
      if (late !== undefined) k.servicePeriodKey = late;
      return k;
    },
    options.currency,
    vatRateOf,
  );
  return groups.sort(
    (a, b) =>
      cmpStr(a.servicePeriodKey, b.servicePeriodKey) ||
      cmpStr(a.conferenceId, b.conferenceId) ||
      accessOrder(a.accessType) - accessOrder(b.accessType) ||
      cmpStr(a.zone, b.zone) ||
      new Decimal(b.vatRate).comparedTo(a.vatRate),
  );
}

/** Usage lines from charge summaries, then the rounding lines (see the module comment). Deterministic order. */
export function groupChargeLines(charges: readonly ChargeSummary[], options: GroupOptions): DraftLine[] {
  const lines: DraftLine[] = [];
  const rounding = new Map<string, { vatRate: string; servicePeriodKey?: string; diff: Decimal }>();
  for (const g of usageGroups(charges, options)) {
    let net = ZERO;
    // Calls with nothing priced (unanswered legs of 0 s) still show, as a count at 0: an invoice
    // always has a line for what it covers (EN 16931 BR-16).
    if (!g.parts.length) lines.push(zeroLine(g, options.names));
    for (const p of sortParts(g.parts)) {
      const line = partLine(g, p, options.names);
      net = net.plus(line.netAmount);
      lines.push(line);
    }
    const key = JSON.stringify([g.vatRate, g.servicePeriodKey]);
    const r = rounding.get(key) ?? { vatRate: g.vatRate, servicePeriodKey: g.servicePeriodKey, diff: ZERO };
    r.diff = r.diff.plus(g.amount.minus(net));
    rounding.set(key, r);
  }
  for (const r of rounding.values()) {
    if (roundLineAmount(r.diff).isZero()) continue;
    const late = r.servicePeriodKey !== undefined ? ` (period ${r.servicePeriodKey})` : '';
    lines.push(
      amountLine(r.diff, {
        kind: 'rounding',
        description: `Rounding: each call's charge rounded to the cent${late}`,
        vatRate: r.vatRate,
        ...(r.servicePeriodKey !== undefined ? { servicePeriodKey: r.servicePeriodKey } : {}),
      }),
    );
  }
  return lines;
}
