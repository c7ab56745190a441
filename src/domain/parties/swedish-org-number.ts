/**
 * Swedish organisation number (organisationsnummer): 10 digits, written NNNNNN-NNNN or without the
 * hyphen, the last a Luhn check digit (Peppol SE-R-003/004/013, PEPPOL-COMMON-R049 for scheme 0007).
 * The canonical form is the 10 digits without hyphen, as Peppol identifiers carry it.
 */
import { invalid, valid, type IdCheck } from './id-check';
import { luhnValid } from './luhn';

export function checkSwedishOrgNumber(text: string): IdCheck {
  if (!/^\d{6}-?\d{4}$/.test(text))
    return invalid(`${JSON.stringify(text)} is not 10 digits (NNNNNN-NNNN or NNNNNNNNNN)`);
  const digits = text.replace('-', '');
  if (!luhnValid(digits)) return invalid(`${JSON.stringify(text)} fails the Luhn check of its last digit`);
  return valid(digits);
}

/** NNNNNN-NNNN, the way it is printed on Swedish invoices. */
export function formatSwedishOrgNumber(digits: string): string {
  return `${digits.slice(0, 6)}-${digits.slice(6)}`;
}
