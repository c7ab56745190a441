/**
 * IBAN (ISO 13616): a country code, 2 check digits and the national account (BBAN); moved to the end
 * with letters as numbers (A=10 ... Z=35) it is 1 mod 97. Lengths per country from the SWIFT IBAN
 * registry for the countries we expect to be paid in; any other country gets the generic 15-34.
 * Accepts the printed form with spaces; the canonical form is upper case without them.
 */
import { invalid, valid, type IdCheck } from './id-check';

const LENGTHS: Record<string, number> = {
  AD: 24,
  AT: 20,
  BE: 16,
  BG: 22,
  CH: 21,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  EE: 20,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  HR: 21,
  HU: 28,
  IE: 22,
  IS: 26,
  IT: 27,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MT: 31,
  NL: 18,
  NO: 15,
  PL: 28,
  PT: 25,
  RO: 24,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  VA: 22,
};

export function checkIban(text: string): IdCheck {
  const iban = text.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}/.test(iban)) return invalid(`${JSON.stringify(text)} does not start with a country code`);
  if (!/^[A-Z]{2}\d{2}/.test(iban))
    return invalid(`${JSON.stringify(text)}: the 2 characters after the country code must be check digits`);
  if (!/^[A-Z0-9]+$/.test(iban))
    return invalid(`${JSON.stringify(text)} may hold only letters, digits and spaces`);
  const country = iban.slice(0, 2);
  const expected = LENGTHS[country];
  if (expected !== undefined && iban.length !== expected)
    return invalid(
      `${JSON.stringify(text)} has ${iban.length} characters; an IBAN of ${country} has ${expected}`,
    );
  if (iban.length < 15 || iban.length > 34)
    return invalid(`${JSON.stringify(text)} has ${iban.length} characters; an IBAN has 15 to 34`);
  if (mod97(iban.slice(4) + iban.slice(0, 4)) !== 1)
    return invalid(`${JSON.stringify(text)} fails the ISO 13616 check digits (mod 97)`);
  return valid(iban);
}

/** The remainder mod 97 of the number the characters spell (A=10 ... Z=35), digit by digit. */
function mod97(chars: string): number {
  let rest = 0;
  for (const c of chars) {
    const n = c >= 'A' ? String(c.charCodeAt(0) - 55) : c;
    for (const d of n) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
}
