/**
 * The call specification: an optional appendix to an invoice that lists each call behind it, so a
 * customer can check a bill call by call. Numbers are masked: the appendix travels by email and
 * to bookkeeping, and a full number list of who called whom is personal data the invoice does not
 * need (the last digits are what identifies a line to the customer's own records).
 */
import type { AccessType } from '../cdr';

export interface CallSpecificationRow {
  /** Call start, ISO instant (UTC). */
  start: string;
  accessType: AccessType;
  /** The other party's number, masked (see maskNumber); "" for web calls. */
  number: string;
  durationSeconds: number;
  /** The call's charge as rated (rounded to the cent). */
  amount: string;
}

export interface CallSpecification {
  rows: CallSpecificationRow[];
  /** Calls on the invoice; more than rows.length when the list was cut at the limit. */
  totalCalls: number;
}

/** How many digits at the end of a number the appendix hides. */
export const MASKED_DIGITS = 3;

/** "+46701234567" -> "+46701234XXX": every digit but the last MASKED_DIGITS kept, the rest X. */
export function maskNumber(number: string | undefined): string {
  if (!number) return '';
  let hide = MASKED_DIGITS;
  const chars = [...number];
  for (let i = chars.length - 1; i >= 0 && hide > 0; i--) {
    if (/\d/.test(chars[i]!)) {
      chars[i] = 'X';
      hide--;
    }
  }
  return chars.join('');
}
