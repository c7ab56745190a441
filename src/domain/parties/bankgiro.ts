/**
 * Bankgiro number: 7 or 8 digits, printed NNN-NNNN or NNNN-NNNN, the last a Luhn check digit
 * (Peppol SE-R-008/009 want the digits only). The canonical form is the digits.
 */
import { invalid, valid, type IdCheck } from './id-check';
import { luhnValid } from './luhn';

export function checkBankgiro(text: string): IdCheck {
  if (!/^(\d{3,4}-?\d{4})$/.test(text))
    return invalid(`${JSON.stringify(text)} is not 7-8 digits (NNN-NNNN or NNNN-NNNN)`);
  const digits = text.replace('-', '');
  if (!luhnValid(digits)) return invalid(`${JSON.stringify(text)} fails the Luhn check of its last digit`);
  return valid(digits);
}
