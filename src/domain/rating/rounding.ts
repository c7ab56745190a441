import DecimalJs from 'decimal.js';
import type { RoundingMethod } from './types';

/** A rule set's `rounding.method` as decimal.js rounding modes. */
export const ROUNDING_MODES: Record<RoundingMethod, DecimalJs.Rounding> = {
  half_up: DecimalJs.ROUND_HALF_UP,
  half_even: DecimalJs.ROUND_HALF_EVEN,
  half_down: DecimalJs.ROUND_HALF_DOWN,
  up: DecimalJs.ROUND_UP,
  down: DecimalJs.ROUND_DOWN,
  ceiling: DecimalJs.ROUND_CEIL,
  floor: DecimalJs.ROUND_FLOOR,
};
