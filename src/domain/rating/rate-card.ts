/** A rate card of rates.json, compiled: amounts as decimals, each band's rate slots resolved. */
import { type Decimal, parseAmount } from '../money';
import type { Band, RateCardJson, RateKey } from './types';

/** Band -> rate key fallbacks: a card without `holiday` rates uses its `weekend`, then `offpeak`, then `any`. */
export const RATE_KEY_FALLBACK: Record<Band, RateKey[]> = {
  peak: ['peak', 'any'],
  offpeak: ['offpeak', 'any'],
  weekend: ['weekend', 'offpeak', 'any'],
  holiday: ['holiday', 'weekend', 'offpeak', 'any'],
};

/** "rate after N seconds": the rate from second `from` of the call on. */
export interface Slot {
  from: number;
  rate: Decimal;
  text: string;
}

export interface CompiledRateCard {
  name: string;
  rateUnit: number;
  firstIncrement: number;
  nextIncrement: number;
  connectFee?: Decimal;
  minimumCharge?: Decimal;
  maximumCharge?: Decimal;
  /** The amounts as written in the file, for explanations. */
  texts: { connectFee?: string; minimumCharge?: string; maximumCharge?: string };
  /** Slots per band, fallbacks resolved; undefined when the card has no rate for the band. */
  byBand: Record<Band, Slot[] | undefined>;
}

export function compileRateCard(name: string, j: RateCardJson): CompiledRateCard {
  const slots = (key: RateKey): Slot[] | undefined =>
    j.rates[key]
      ?.map((s) => ({ from: s.fromSecond, rate: parseAmount(s.rate), text: s.rate }))
      .sort((a, b) => a.from - b.from);
  const byKey: Partial<Record<RateKey, Slot[]>> = {};
  for (const k of ['peak', 'offpeak', 'weekend', 'holiday', 'any'] as RateKey[]) {
    const s = slots(k);
    if (s) byKey[k] = s;
  }
  const resolve = (b: Band) => RATE_KEY_FALLBACK[b].map((k) => byKey[k]).find((x) => x !== undefined);
  return {
    name,
    rateUnit: j.rateUnit,
    firstIncrement: j.firstIncrement,
    nextIncrement: j.nextIncrement,
    connectFee: j.connectFee !== undefined ? parseAmount(j.connectFee) : undefined,
    minimumCharge: j.minimumCharge !== undefined ? parseAmount(j.minimumCharge) : undefined,
    maximumCharge: j.maximumCharge !== undefined ? parseAmount(j.maximumCharge) : undefined,
    texts: { connectFee: j.connectFee, minimumCharge: j.minimumCharge, maximumCharge: j.maximumCharge },
    byBand: {
      peak: resolve('peak'),
      offpeak: resolve('offpeak'),
      weekend: resolve('weekend'),
      holiday: resolve('holiday'),
    },
  };
}

/** Billed seconds for `d` actual seconds: the first increment in full, then whole next increments. */
export function billedSeconds(d: number, first: number, next: number): number {
  if (d <= 0) return 0;
  if (d <= first) return first;
  return first + Math.ceil((d - first) / next) * next;
}
