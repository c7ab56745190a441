/**
 * Swedish VAT number (momsregistreringsnummer): "SE", the 10-digit organisation number, "01"; 14
 * characters in all (Peppol SE-R-001/002). The canonical form is upper case without spaces.
 */
import { invalid, valid, type IdCheck } from './id-check';
import { checkSwedishOrgNumber } from './swedish-org-number';

export function checkSwedishVatNumber(text: string): IdCheck {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  if (!compact.startsWith('SE')) return invalid(`${JSON.stringify(text)} does not start with "SE"`);
  if (compact.length !== 14)
    return invalid(`${JSON.stringify(text)} has ${compact.length} characters; a Swedish VAT number has 14`);
  if (!/^\d{12}$/.test(compact.slice(2)))
    return invalid(`${JSON.stringify(text)}: the 12 characters after "SE" must be digits`);
  if (!compact.endsWith('01')) return invalid(`${JSON.stringify(text)} does not end with "01"`);
  const org = checkSwedishOrgNumber(compact.slice(2, 12));
  if (!org.ok) return invalid(`${JSON.stringify(text)}: its organisation number ${org.reason}`);
  return valid(compact);
}

/** The organisation number inside a valid Swedish VAT number (10 digits). */
export function orgNumberOfSwedishVat(vat: string): string {
  return vat.slice(2, 12);
}
