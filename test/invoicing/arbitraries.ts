/**
 * Random charge summaries with random priced parts, as rating records them: exact prices with up to 6
 * decimals per 1 or 60 units, optional discounts, surcharges by feature, and an amount that is a sum of
 * per-call charges rounded to the cent (the exact total plus or minus a few cents of per-call rounding).
 */
import fc from 'fast-check';
import type { ChargeSummary, SummaryPart } from '../../src/domain/invoicing/index';
import { Decimal, roundMoney } from '../../src/domain/money';

/** A decimal string with up to `decimals` decimals and an integer part up to maxInt. */
export const decimalArb = (maxInt: number, decimals: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: 10 ** decimals - 1 }))
    .map(([i, f]) => new Decimal(`${i}.${String(f).padStart(decimals, '0')}`).toFixed());

const discountArb = fc.option(
  fc.constantFrom(
    { discountPercent: '5', discountReason: 'Contract discount 5 %' },
    { discountPercent: '12.5', discountReason: 'Contract discount 12.5 %' },
    { discountPercent: '33', discountReason: 'Volume discount 33 %' },
  ),
  { nil: undefined },
);

export const partArb: fc.Arbitrary<SummaryPart> = fc
  .record({
    kind: fc.constantFrom(
      'usage' as const,
      'connect_fee' as const,
      'minimum_charge' as const,
      'maximum_charge' as const,
      'surcharge' as const,
    ),
    seconds: fc.integer({ min: 0, max: 2_000_000 }),
    count: fc.integer({ min: 1, max: 500 }),
    price: decimalArb(20, 6),
    base: fc.constantFrom('1', '60'),
    discount: discountArb,
    feature: fc.constantFrom('recording', 'transcription'),
  })
  .map((r) => {
    const timed = r.kind === 'usage' || (r.kind === 'surcharge' && r.base === '60');
    const part: SummaryPart = {
      kind: r.kind,
      quantity: timed ? String(r.seconds) : String(r.count),
      unitCode: timed ? 'SEC' : 'C62',
      price: r.price,
      baseQuantity: timed ? r.base : '1',
    };
    // Surcharges are never discounted (src/domain/rating/charge-parts.ts).
    if (r.discount && r.kind !== 'surcharge') Object.assign(part, r.discount);
    if (r.kind === 'surcharge') part.feature = r.feature;
    return part;
  });

/** The exact (unrounded) price of parts, less their discounts. */
export function exactTotal(parts: readonly SummaryPart[]): Decimal {
  return parts.reduce((s, p) => {
    const gross = new Decimal(p.quantity).times(p.price).dividedBy(p.baseQuantity);
    const pct = p.discountPercent ? new Decimal(p.discountPercent) : new Decimal(0);
    return s.plus(gross.times(new Decimal(100).minus(pct)).dividedBy(100));
  }, new Decimal(0));
}

export const summaryArb: fc.Arbitrary<ChargeSummary> = fc
  .record({
    accessType: fc.constantFrom(
      'local_dial_in' as const,
      'toll_free_dial_in' as const,
      'dial_out' as const,
      'web' as const,
    ),
    zone: fc.option(fc.constantFrom('SE', 'NO', 'US'), { nil: undefined }),
    conferenceId: fc.constantFrom('a', 'b', 'c'),
    calls: fc.integer({ min: 1, max: 400 }),
    parts: fc.array(partArb, { minLength: 0, maxLength: 5 }),
    /** Per-call rounding, in cents, as a fraction of the calls: each call moves at most half a cent. */
    roundingShare: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
    vatRate: fc.constantFrom('25', '12', '6', '0'),
    late: fc.boolean(),
  })
  .map((r) => {
    const exact = exactTotal(r.parts);
    const cents = Math.trunc(r.roundingShare * r.calls);
    // A call's charge is never negative: neither is the sum of them.
    const amount = Decimal.max(roundMoney(exact, 2).plus(new Decimal(cents).dividedBy(100)), 0).toFixed(2);
    const seconds = r.parts
      .filter((p) => p.kind === 'usage')
      .reduce((s, p) => s.plus(p.quantity), new Decimal(0))
      .toFixed();
    const summary: ChargeSummary = {
      accessType: r.accessType,
      ...(r.zone !== undefined ? { zone: r.zone } : {}),
      conferenceId: r.conferenceId,
      seconds,
      calls: r.calls,
      amount,
      currency: 'SEK',
      parts: r.parts,
      vatRate: r.vatRate,
      ...(r.late ? { servicePeriodKey: '2026-10' } : {}),
    };
    return summary;
  });
