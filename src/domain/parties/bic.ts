/**
 * BIC (ISO 9362): 4 characters of the institution, a 2-letter country code, 2 of the location, and
 * optionally 3 of the branch: 8 or 11 characters. The canonical form is upper case.
 */
import { invalid, valid, type IdCheck } from './id-check';

export function checkBic(text: string): IdCheck {
  const bic = text.toUpperCase();
  if (bic.length !== 8 && bic.length !== 11)
    return invalid(`${JSON.stringify(text)} has ${bic.length} characters; a BIC has 8 or 11`);
  if (!/^[A-Z0-9]{4}$/.test(bic.slice(0, 4)))
    return invalid(
      `${JSON.stringify(text)}: the institution code (characters 1-4) must be letters or digits`,
    );
  if (!/^[A-Z]{2}$/.test(bic.slice(4, 6)))
    return invalid(`${JSON.stringify(text)}: characters 5-6 must be a country code (letters)`);
  if (!/^[A-Z0-9]{2}$/.test(bic.slice(6, 8)))
    return invalid(`${JSON.stringify(text)}: the location code (characters 7-8) must be letters or digits`);
  if (bic.length === 11 && !/^[A-Z0-9]{3}$/.test(bic.slice(8)))
    return invalid(`${JSON.stringify(text)}: the branch code (characters 9-11) must be letters or digits`);
  return valid(bic);
}

/** The country of a valid BIC. */
export const bicCountry = (bic: string): string => bic.slice(4, 6);
