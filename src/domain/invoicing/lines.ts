/**
 * From charge summaries to invoice lines, and the period-level pricing that per-call rating cannot do.
 *
 * Usage lines: charge summaries are grouped by access type + zone (default) or by conference, and
 * always also by VAT rate and by service period (late charges of an earlier period get their own
 * lines, "(period 2026-10)"). Quantity = sum of minutes (shown with at most 4 decimals); unit price =
 * unrounded amount / unrounded minutes, rounded to 4 decimals (informative); net amount = unrounded
 * amount rounded to 2 decimals (ROUND_HALF_UP). Lines with zero minutes but an amount (connect fees of
 * unanswered legs, say) are counted in calls (unit C62) instead.
 *
 * Period-level pricing, applied in this order to the charges of the invoice's own period (late charges
 * of earlier periods are billed as rated and take no part in it):
 * 1. Included minutes: the contract's free minutes are consumed against the usage of the eligible
 *    access types (all, unless the contract names some), group by group of (access type, zone, VAT
 *    rate), MOST EXPENSIVE FIRST: groups sorted by average price per minute descending, ties by the
 *    access-type order local_dial_in, toll_free_dial_in, dial_out, web, then zone, then VAT rate. Each
 *    group that consumes minutes gets a negative "Included minutes" line: consumed minutes × the group's
 *    average price per minute (a fully consumed group is credited exactly its amount). Grouping of the
 *    usage lines (by conference or by zone) does not change the value.
 * 2. Volume tiers: the period's minutes of the tiered access types (all, unless named), minus the
 *    included minutes consumed on those access types, are priced on the tiers (graduated: one line per
 *    tier reached; volume: one line at the reached tier's price), each tier's flat fee as its own line.
 *    Tier lines come IN ADDITION to the rated call charges: a contract with tiers is expected to have
 *    call rules that price the tiered minutes at zero and add only connect fees and feature surcharges.
 * 3. Minimum commitment: when the net of all lines so far (rounded line nets, this period only) is
 *    below the commitment, a "Minimum commitment top-up" line adds the difference.
 */
import { ACCESS_TYPES, type AccessType } from '../cdr.js';
import { Decimal, ZERO, formatAmount, parseAmount } from '../money.js';
import { priceTiers, type TierModel, type VolumeTier } from './tiers.js';
import { roundLineAmount } from './totals.js';
import type { ChargeSummary, InvoiceLineInput } from './types.js';

export type LineGrouping = 'access_type_zone' | 'conference';

export interface IncludedMinutesRule {
  /** Free minutes per period, decimal string. */
  minutes: string;
  /** Access types the free minutes apply to; all when absent. */
  accessTypes?: AccessType[];
}

export interface VolumeTierRule {
  model: TierModel;
  tiers: VolumeTier[];
  /** Access types whose minutes count; all when absent. */
  accessTypes?: AccessType[];
  /** Line text, default "Volume minutes". */
  description?: string;
  /** VAT rate of the tier lines; the invoice default when absent. */
  vatRate?: string;
}

export interface MinimumCommitmentRule {
  /** Minimum net amount per period, decimal string in the invoice currency. */
  amount: string;
  vatRate?: string;
  description?: string;
}

/** Period-level pricing from the contract / rule files. */
export interface PeriodPricingRules {
  includedMinutes?: IncludedMinutesRule;
  volumeTiers?: VolumeTierRule;
  minimumCommitment?: MinimumCommitmentRule;
}

export const ACCESS_TYPE_LABELS: Record<AccessType, string> = {
  local_dial_in: 'Dial-in, local number',
  toll_free_dial_in: 'Dial-in, toll-free number',
  dial_out: 'Dial-out',
  web: 'Web / VoIP',
};

/** A line before it has its VAT category and number; `amount` is the unrounded sum behind it. */
export type DraftLine = Omit<InvoiceLineInput, 'vatCategory'>;

interface UsageGroup {
  accessType?: AccessType;
  zone?: string;
  conferenceId?: string;
  servicePeriodKey?: string;
  vatRate: string;
  minutes: Decimal;
  calls: number;
  amount: Decimal;
}

function accessOrder(a?: AccessType): number {
  return a === undefined ? -1 : ACCESS_TYPES.indexOf(a);
}

function cmpStr(a: string | undefined, b: string | undefined): number {
  return (a ?? '').localeCompare(b ?? '');
}

/** Quantity for display: at most 4 decimals, no trailing zeros. */
export function formatQuantity(q: Decimal): string {
  return q.toDecimalPlaces(4).toFixed();
}

function groupSummaries(
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

function lateKey(c: ChargeSummary, periodKey?: string): string | undefined {
  return c.servicePeriodKey !== undefined && c.servicePeriodKey !== periodKey
    ? c.servicePeriodKey
    : undefined;
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

export interface PeriodPricingResult {
  lines: DraftLine[];
  /** Included minutes consumed, decimal string. */
  includedMinutesUsed: string;
  /** Minutes priced on the tiers. */
  tieredMinutes: string;
}

/**
 * The period-level lines (included minutes, volume tiers, minimum commitment) for the charges of one
 * period. `netSoFar` is the sum of the rounded net amounts of this period's usage lines (and any
 * extra lines that should count toward the commitment).
 */
export function periodPricingLines(
  charges: readonly ChargeSummary[],
  rules: PeriodPricingRules,
  options: GroupOptions & { netSoFar: string },
): PeriodPricingResult {
  const vatRateOf = (c: ChargeSummary) => parseAmount(c.vatRate ?? options.defaultVatRate).toFixed();
  const own = charges.filter((c) => lateKey(c, options.periodKey) === undefined);
  const lines: DraftLine[] = [];
  const usedByAccess = new Map<AccessType, Decimal>();
  let includedUsed = ZERO;

  if (rules.includedMinutes) {
    const allowance = parseAmount(rules.includedMinutes.minutes);
    if (allowance.isNegative()) throw new RangeError('negative included minutes');
    const eligible = rules.includedMinutes.accessTypes;
    const groups = groupSummaries(
      own.filter((c) => eligible === undefined || eligible.includes(c.accessType)),
      (c) => ({ accessType: c.accessType, ...(c.zone !== undefined ? { zone: c.zone } : {}) }),
      options.currency,
      vatRateOf,
    ).filter((g) => g.minutes.greaterThan(0));
    const perMinute = (g: UsageGroup) => g.amount.dividedBy(g.minutes);
    groups.sort(
      (a, b) =>
        perMinute(b).comparedTo(perMinute(a)) ||
        accessOrder(a.accessType) - accessOrder(b.accessType) ||
        cmpStr(a.zone, b.zone) ||
        new Decimal(b.vatRate).comparedTo(a.vatRate),
    );
    let left = allowance;
    for (const g of groups) {
      if (!left.greaterThan(0)) break;
      const used = Decimal.min(left, g.minutes);
      left = left.minus(used);
      includedUsed = includedUsed.plus(used);
      usedByAccess.set(g.accessType!, (usedByAccess.get(g.accessType!) ?? ZERO).plus(used));
      const value = used.equals(g.minutes) ? g.amount : used.times(g.amount).dividedBy(g.minutes);
      const line: DraftLine = {
        kind: 'included_minutes',
        description: `Included minutes: ${ACCESS_TYPE_LABELS[g.accessType!]}${g.zone !== undefined ? `, zone ${g.zone}` : ''}`,
        accessType: g.accessType!,
        quantity: formatQuantity(used.negated()),
        unitCode: 'MIN',
        unitPrice: formatAmount(perMinute(g).toDecimalPlaces(4), 4),
        netAmount: formatAmount(roundLineAmount(value.negated()), 2),
        vatRate: g.vatRate,
      };
      if (g.zone !== undefined) line.zone = g.zone;
      lines.push(line);
    }
  }

  let tiered = ZERO;
  if (rules.volumeTiers) {
    const rule = rules.volumeTiers;
    const scope = rule.accessTypes;
    for (const c of own)
      if (scope === undefined || scope.includes(c.accessType)) tiered = tiered.plus(parseAmount(c.minutes));
    for (const [access, used] of usedByAccess)
      if (scope === undefined || scope.includes(access)) tiered = tiered.minus(used);
    const pricing = priceTiers(tiered.toFixed(), rule.tiers, rule.model);
    const vatRate = parseAmount(rule.vatRate ?? options.defaultVatRate).toFixed();
    const base = rule.description ?? 'Volume minutes';
    for (const t of pricing.tiers) {
      const range = t.upTo === null ? `above ${t.from}` : `${t.from}–${t.upTo}`;
      const q = parseAmount(t.quantity);
      lines.push({
        kind: 'volume_tier',
        description:
          rule.model === 'graduated'
            ? `${base}, tier ${t.tierIndex + 1} (${range} min)`
            : `${base}, volume tier ${t.tierIndex + 1} (${range} min)`,
        quantity: formatQuantity(q),
        unitCode: 'MIN',
        unitPrice: formatAmount(parseAmount(t.unitPrice).toDecimalPlaces(4), 4),
        netAmount: formatAmount(roundLineAmount(q.times(t.unitPrice)), 2),
        vatRate,
      });
      if (!parseAmount(t.flatFee).isZero()) {
        lines.push({
          kind: 'volume_tier',
          description: `${base}, tier ${t.tierIndex + 1} flat fee`,
          quantity: '1',
          unitCode: 'C62',
          unitPrice: formatAmount(parseAmount(t.flatFee).toDecimalPlaces(4), 4),
          netAmount: formatAmount(roundLineAmount(parseAmount(t.flatFee)), 2),
          vatRate,
        });
      }
    }
  }

  if (rules.minimumCommitment) {
    const rule = rules.minimumCommitment;
    const minimum = parseAmount(rule.amount);
    const net = lines.reduce((s, l) => s.plus(parseAmount(l.netAmount)), parseAmount(options.netSoFar));
    if (net.lessThan(minimum)) {
      const topUp = roundLineAmount(minimum.minus(net));
      lines.push({
        kind: 'minimum_commitment',
        description:
          rule.description ??
          `Minimum commitment top-up (commitment ${formatAmount(minimum, 2)} ${options.currency}, usage ${formatAmount(net, 2)})`,
        quantity: '1',
        unitCode: 'C62',
        unitPrice: formatAmount(topUp, 4),
        netAmount: formatAmount(topUp, 2),
        vatRate: parseAmount(rule.vatRate ?? options.defaultVatRate).toFixed(),
      });
    }
  }

  return { lines, includedMinutesUsed: includedUsed.toFixed(), tieredMinutes: tiered.toFixed() };
}
