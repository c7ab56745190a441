/**
 * The period-level pricing that per-call rating cannot do.
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
import type { AccessType } from '../cdr';
import { Decimal, ZERO, formatAmount, parseAmount } from '../money';
import type { PeriodPricingRules } from './period-pricing-rules';
import { priceTiers } from './tiers';
import { roundLineAmount } from './totals';
import type { ChargeSummary } from './types';
import { accessOrder, cmpStr, groupSummaries, lateKey, type UsageGroup } from './usage-groups';
import { ACCESS_TYPE_LABELS, formatQuantity, type DraftLine, type GroupOptions } from './usage-lines';

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
