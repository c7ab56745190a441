/**
 * The period-level pricing that per-call rating cannot do.
 *
 * Period-level pricing, applied in this order to the charges of the invoice's own period (late charges
 * of earlier periods are billed as rated and take no part in it):
 * 1. Included minutes: the contract's free minutes are consumed against the time-priced usage lines
 *    (by access type and zone, at one exact price each) of the eligible access types (all, unless the
 *    contract names some), MOST EXPENSIVE FIRST: by price per second after discount, descending, ties
 *    by the access-type order local_dial_in, toll_free_dial_in, dial_out, web, then zone, then VAT
 *    rate. Each line that consumes minutes gets a negative "Included minutes" line at the same price
 *    and discount: −seconds × price / base quantity (a fully consumed line is credited exactly its
 *    net). Grouping of the usage lines (by conference or by zone) does not change the value.
 * 2. Volume tiers: the period's billed seconds of the tiered access types (all, unless named), minus the
 *    included minutes consumed on those access types, are priced on the tiers (graduated: one line per
 *    tier reached; volume: one line at the reached tier's price), in seconds at the tier's price per
 *    60 s, each tier's flat fee as its own line.
 *    Tier lines come IN ADDITION to the rated call charges: a contract with tiers is expected to have
 *    call rules that price the tiered minutes at zero and add only connect fees and feature surcharges.
 * 3. Minimum commitment: when the net of all lines so far (rounded line nets, this period only) is
 *    below the commitment, a "Minimum commitment top-up" line adds the difference.
 */
import type { AccessType } from '../cdr';
import { Decimal, ZERO, formatAmount, parseAmount } from '../money';
import { discountOf, priceLine } from './line-price';
import type { PeriodPricingRules } from './period-pricing-rules';
import { priceTiers } from './tiers';
import type { ChargeSummary } from './types';
import { accessOrder, cmpStr, lateKey } from './usage-groups';
import {
  amountLine,
  formatQuantity,
  groupChargeLines,
  type DraftLine,
  type GroupOptions,
} from './usage-lines';

export interface PeriodPricingResult {
  lines: DraftLine[];
  /** Included minutes consumed, decimal string. */
  includedMinutesUsed: string;
  /** Minutes priced on the tiers. */
  tieredMinutes: string;
}

/** Price per second after the line's discount: what "most expensive first" compares. */
function perSecond(l: DraftLine): Decimal {
  const gross = parseAmount(l.unitPrice).dividedBy(l.baseQuantity ?? '1');
  return l.allowance ? gross.times(new Decimal(100).minus(l.allowance.percent)).dividedBy(100) : gross;
}

function includedMinuteLines(
  own: readonly ChargeSummary[],
  rule: NonNullable<PeriodPricingRules['includedMinutes']>,
  options: GroupOptions,
): { lines: DraftLine[]; used: Decimal; usedByAccess: Map<AccessType, Decimal> } {
  let left = parseAmount(rule.minutes).times(60);
  if (left.isNegative()) throw new RangeError('negative included minutes');
  const eligible = rule.accessTypes;
  const candidates = groupChargeLines(
    own.filter((c) => eligible === undefined || eligible.includes(c.accessType)),
    { ...options, grouping: 'access_type_zone' },
  ).filter((l) => l.kind === 'usage' && l.unitCode === 'SEC' && parseAmount(l.quantity).greaterThan(0));
  candidates.sort(
    (a, b) =>
      perSecond(b).comparedTo(perSecond(a)) ||
      accessOrder(a.accessType) - accessOrder(b.accessType) ||
      cmpStr(a.zone, b.zone) ||
      new Decimal(b.vatRate).comparedTo(a.vatRate),
  );
  const lines: DraftLine[] = [];
  const usedByAccess = new Map<AccessType, Decimal>();
  let used = ZERO;
  for (const l of candidates) {
    if (!left.greaterThan(0)) break;
    const take = Decimal.min(left, parseAmount(l.quantity));
    left = left.minus(take);
    used = used.plus(take);
    usedByAccess.set(l.accessType!, (usedByAccess.get(l.accessType!) ?? ZERO).plus(take));
    const price = priceLine({
      quantity: take.negated(),
      unitPrice: l.unitPrice,
      baseQuantity: l.baseQuantity,
      discount: discountOf(l),
    });
    const line: DraftLine = {
      kind: 'included_minutes',
      description: `Included minutes: ${l.description}`,
      accessType: l.accessType!,
      quantity: formatQuantity(take.negated()),
      unitCode: 'SEC',
      unitPrice: l.unitPrice,
      baseQuantity: l.baseQuantity ?? '1',
      netAmount: price.netAmount,
      vatRate: l.vatRate,
    };
    if (price.allowance) line.allowance = price.allowance;
    if (l.zone !== undefined) line.zone = l.zone;
    lines.push(line);
  }
  return { lines, used, usedByAccess };
}

function tierLines(
  seconds: Decimal,
  rule: NonNullable<PeriodPricingRules['volumeTiers']>,
  vatRate: string,
): DraftLine[] {
  // Tiers are in minutes; priced in seconds so that quantity × price / 60 is exact.
  const tiers = rule.tiers.map((t) => ({
    ...t,
    upTo: t.upTo === null ? null : parseAmount(t.upTo).times(60).toFixed(),
  }));
  const pricing = priceTiers(seconds.toFixed(), tiers, rule.model);
  const base = rule.description ?? 'Volume minutes';
  const minutes = (s: string) => new Decimal(s).dividedBy(60).toFixed();
  const lines: DraftLine[] = [];
  for (const t of pricing.tiers) {
    const range = t.upTo === null ? `above ${minutes(t.from)}` : `${minutes(t.from)}–${minutes(t.upTo)}`;
    lines.push({
      kind: 'volume_tier',
      description:
        rule.model === 'graduated'
          ? `${base}, tier ${t.tierIndex + 1} (${range} min)`
          : `${base}, volume tier ${t.tierIndex + 1} (${range} min)`,
      quantity: formatQuantity(parseAmount(t.quantity)),
      unitCode: 'SEC',
      unitPrice: t.unitPrice,
      baseQuantity: '60',
      netAmount: priceLine({ quantity: t.quantity, unitPrice: t.unitPrice, baseQuantity: '60' }).netAmount,
      vatRate,
    });
    if (!parseAmount(t.flatFee).isZero()) {
      lines.push(
        amountLine(parseAmount(t.flatFee), {
          kind: 'volume_tier',
          description: `${base}, tier ${t.tierIndex + 1} flat fee`,
          vatRate,
        }),
      );
    }
  }
  return lines;
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
  const own = charges.filter((c) => lateKey(c, options.periodKey) === undefined);
  const lines: DraftLine[] = [];
  let usedByAccess = new Map<AccessType, Decimal>();
  let includedUsed = ZERO;

  if (rules.includedMinutes) {
    const included = includedMinuteLines(own, rules.includedMinutes, options);
    lines.push(...included.lines);
    includedUsed = included.used;
    usedByAccess = included.usedByAccess;
  }

  let tiered = ZERO;
  if (rules.volumeTiers) {
    const rule = rules.volumeTiers;
    const scope = rule.accessTypes;
    for (const c of own)
      if (scope === undefined || scope.includes(c.accessType)) tiered = tiered.plus(parseAmount(c.seconds));
    for (const [access, used] of usedByAccess)
      if (scope === undefined || scope.includes(access)) tiered = tiered.minus(used);
    const vatRate = parseAmount(rule.vatRate ?? options.defaultVatRate).toFixed();
    lines.push(...tierLines(tiered, rule, vatRate));
  }

  if (rules.minimumCommitment) {
    const rule = rules.minimumCommitment;
    const minimum = parseAmount(rule.amount);
    const net = lines.reduce((s, l) => s.plus(parseAmount(l.netAmount)), parseAmount(options.netSoFar));
    if (net.lessThan(minimum)) {
      lines.push(
        amountLine(minimum.minus(net), {
          kind: 'minimum_commitment',
          description:
            rule.description ??
            `Minimum commitment top-up (commitment ${formatAmount(minimum, 2)} ${options.currency}, usage ${formatAmount(net, 2)})`,
          vatRate: parseAmount(rule.vatRate ?? options.defaultVatRate).toFixed(),
        }),
      );
    }
  }

  return {
    lines,
    includedMinutesUsed: includedUsed.dividedBy(60).toFixed(),
    tieredMinutes: tiered.dividedBy(60).toFixed(),
  };
}
