/**
 * What an invoice counts of a charge, as typed values stored in their own columns, so that the
 * explanation (text for people) can be reworded without changing any invoice or running total.
 */
import type { Explanation } from './types';

export interface ChargeQuantities {
  /** The destination zone; "" when the price does not depend on one. */
  zone: string;
  /** Seconds billed after increments, summed over the time bands. */
  billedSeconds: number;
}

/**
 * The quantities of one rated call. A call priced with no time bands (0 billable seconds) counts
 * its duration, as invoices always have.
 */
export function chargeQuantities(
  explanation: Pick<Explanation, 'zone' | 'bands'>,
  durationSeconds: number,
): ChargeQuantities {
  const { bands } = explanation;
  return {
    zone: explanation.zone ?? '',
    billedSeconds: bands.length ? bands.reduce((sum, b) => sum + b.billedSeconds, 0) : durationSeconds,
  };
}
