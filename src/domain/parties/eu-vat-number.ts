/**
 * A buyer's VAT identification number as reverse charge needs it (Directive 2006/112/EC art. 196,
 * 226(4)): the member state's prefix (Greece "EL"), matching the buyer's country, then the national
 * part in that state's format. A Swedish number is checked in full (./swedish-vat-number.ts); other
 * states by their published format (the VIES patterns), not by a call to VIES: the service runs
 * offline, and a format error is what a typo produces.
 */
import { invalid, valid, type IdCheck } from './id-check';
import { checkSwedishVatNumber } from './swedish-vat-number';

/** The national part of each member state's VAT number, after its prefix. */
const FORMATS: Readonly<Record<string, RegExp>> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^\d{7}[A-W][A-I]?$|^\d[A-Z+*]\d{5}[A-W]$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^\d{2,10}$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
};

/** The VAT prefix of a country: ISO 3166 except Greece (GR -> EL). */
export function vatPrefixOf(countryCode: string): string {
  return countryCode === 'GR' ? 'EL' : countryCode;
}

/** Whether a country is an EU member state (by ISO 3166-1 alpha-2 code). */
export function isEuMemberState(countryCode: string): boolean {
  return vatPrefixOf(countryCode) in FORMATS || countryCode === 'SE';
}

/** Checks an EU VAT number for a buyer in `countryCode`; the canonical form is upper case without spaces. */
export function checkEuVatNumber(text: string, countryCode: string): IdCheck {
  const compact = text.replace(/[\s.-]+/g, '').toUpperCase();
  if (countryCode === 'SE') return checkSwedishVatNumber(compact);
  const prefix = vatPrefixOf(countryCode);
  const format = FORMATS[prefix];
  if (!format) return invalid(`${countryCode} is not an EU member state: an EU VAT number needs one`);
  if (!compact.startsWith(prefix))
    return invalid(`${JSON.stringify(text)} does not start with ${prefix}, the prefix of ${countryCode}`);
  if (!format.test(compact.slice(prefix.length)))
    return invalid(`${JSON.stringify(text)} is not in the format of a ${prefix} VAT number`);
  return valid(compact);
}
