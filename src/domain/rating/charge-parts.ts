/**
 * The priced parts of one call, as an invoice line prices them: each part is an exact quantity at
 * an exact price (quantity × price / baseQuantity, unrounded), so that invoice lines can sum the
 * parts of equal price and print quantity × unit price = net amount, which an auditor (and Peppol
 * rule PEPPOL-EN16931-R120) recomputes. The rounding of each call's total to the cent is not a
 * part: the invoice shows the sum of those roundings as its own line.
 *
 * Stored with each charge (column `parts`), typed: the explanation is text for people.
 */
import type { Decimal } from '../money';

export type ChargePartKind = 'usage' | 'connect_fee' | 'minimum_charge' | 'maximum_charge' | 'surcharge';

export interface ChargePart {
  kind: ChargePartKind;
  /** Seconds (unit SEC) for time-priced parts, else a count (unit C62). Decimal string. */
  quantity: string;
  unitCode: 'SEC' | 'C62';
  /** Price per baseQuantity units, exact as in the rate card or contract. */
  price: string;
  /** "60" for a per-minute rate on seconds; "1" for a fee. */
  baseQuantity: string;
  /** The discount applied to this part, percent (surcharges are never discounted). */
  discountPercent?: string;
  /** Why the discount applies, e.g. "contract K-1: 5 %". */
  discountReason?: string;
  /** Surcharges: the feature ("recording"). */
  feature?: string;
}

/** What of a call's price working (./price.ts) the parts need. */
export interface PartsWorking {
  /** The billed seconds at each rate. */
  pieces: readonly { billed: number; rate: Decimal }[];
  /** Seconds a rate is for (60: per minute). */
  unit: number;
  card: { connectFee?: Decimal | undefined };
  billed: number;
  minimumApplied?: Decimal | undefined;
  capApplied?: Decimal | undefined;
  discountPct?: { percent: Decimal; text: string } | undefined;
  surcharges: { feature: string; fixed?: Decimal | undefined; perMinute?: Decimal | undefined }[];
}

/**
 * The parts of a priced call: its time at each rate (or, when a minimum or maximum charge replaced
 * the time's price, that charge), its connect fee, then its surcharges. Their sum, less the
 * discount, is the call's unrounded total.
 */
export function chargeParts(w: PartsWorking): ChargePart[] {
  const parts: ChargePart[] = [];
  const discount = w.discountPct && !w.discountPct.percent.isZero() ? w.discountPct : undefined;
  const discounted = discount
    ? { discountPercent: discount.percent.toFixed(), discountReason: discount.text }
    : {};
  const limit = w.capApplied ?? w.minimumApplied;
  if (limit) {
    const kind = w.capApplied ? 'maximum_charge' : 'minimum_charge';
    parts.push({
      kind,
      quantity: '1',
      unitCode: 'C62',
      price: limit.toFixed(),
      baseQuantity: '1',
      ...discounted,
    });
  } else {
    const byRate = new Map<string, number>();
    for (const p of w.pieces) {
      if (p.billed <= 0) continue;
      const rate = p.rate.toFixed();
      byRate.set(rate, (byRate.get(rate) ?? 0) + p.billed);
    }
    for (const [rate, seconds] of byRate)
      parts.push({
        kind: 'usage',
        quantity: String(seconds),
        unitCode: 'SEC',
        price: rate,
        baseQuantity: String(w.unit),
        ...discounted,
      });
    if (w.card.connectFee)
      parts.push({
        kind: 'connect_fee',
        quantity: '1',
        unitCode: 'C62',
        price: w.card.connectFee.toFixed(),
        baseQuantity: '1',
        ...discounted,
      });
  }
  for (const s of w.surcharges) {
    if (s.fixed && !s.fixed.isZero())
      parts.push({
        kind: 'surcharge',
        feature: s.feature,
        quantity: '1',
        unitCode: 'C62',
        price: s.fixed.toFixed(),
        baseQuantity: '1',
      });
    if (s.perMinute && !s.perMinute.isZero() && w.billed > 0)
      parts.push({
        kind: 'surcharge',
        feature: s.feature,
        quantity: String(w.billed),
        unitCode: 'SEC',
        price: s.perMinute.toFixed(),
        baseQuantity: '60',
      });
  }
  return parts;
}
