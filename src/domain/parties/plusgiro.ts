/**
 * Plusgiro number: 2 to 8 digits, printed with a hyphen before the check digit (NNNNNNN-N), the last
 * a Luhn check digit (Peppol SE-R-007/010 want the digits only). The canonical form is the digits.
 */
import { invalid, valid, type IdCheck } from './id-check';
import { luhnValid } from './luhn';

export function checkPlusgiro(text: string): IdCheck {
  if (!/^\d{1,7}-?\d$/.test(text) || text.replace('-', '').length < 2)
    return invalid(`${JSON.stringify(text)} is not 2-8 digits (e.g. 4711-1 or 47111)`);
  const digits = text.replace('-', '');
  if (!luhnValid(digits)) return invalid(`${JSON.stringify(text)} fails the Luhn check of its last digit`);
  return valid(digits);
}
