/** A rate card of rates.json, compiled: amounts as decimals, each band's rate slots resolved. */
import { type Decimal, parseAmount } from '../money';
import { scaleOf, toUnits } from './integer-money';
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
  /** The rate as units at the card's `scale` (NaN: too large for the integer path). */
  units: number;
}

export interface CompiledRateCard {
  name: string;
  rateUnit: number;
  firstIncrement: number;
  nextIncrement: number;
  connectFee?: Decimal;
  minimumCharge?: Decimal;
  maximumCharge?: Decimal;
  /** Decimal places of the integer units below (the rule set's money scale). */
  scale: number;
  /** Connect fee, minimum and maximum as units at `scale`. */
  units: { connectFee?: number; minimumCharge?: number; maximumCharge?: number };
  /** The amounts as written in the file, for explanations. */
  texts: { connectFee?: string; minimumCharge?: string; maximumCharge?: string };
  /** Slots per band, fallbacks resolved; undefined when the card has no rate for the band. */
  byBand: Record<Band, Slot[] | undefined>;
}

/** The most decimal places of any amount on the card. */
export function cardScale(j: RateCardJson): number {
  let scale = 0;
  for (const text of [j.connectFee, j.minimumCharge, j.maximumCharge])
    if (text !== undefined) scale = Math.max(scale, scaleOf(text));
  for (const list of Object.values(j.rates))
    for (const s of list ?? []) scale = Math.max(scale, scaleOf(s.rate));
  return scale;
}

/** `scale`: the decimal places of the integer units (at least the card's own, see cardScale). */
export function compileRateCard(
  name: string,
  j: RateCardJson,
  scale: number = cardScale(j),
): CompiledRateCard {
  const opt = (text: string | undefined) => (text !== undefined ? toUnits(text, scale) : undefined);
  const slots = (key: RateKey): Slot[] | undefined =>
    j.rates[key]
      ?.map((s) => ({
        from: s.fromSecond,
        rate: parseAmount(s.rate),
        text: s.rate,
        units: toUnits(s.rate, scale),
      }))
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
    scale,
    units: {
      connectFee: opt(j.connectFee),
      minimumCharge: opt(j.minimumCharge),
      maximumCharge: opt(j.maximumCharge),
    },
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
