/**
 * The seller's identifiers checked together, the way Peppol BIS 3.0 and its Swedish rules will check
 * them on every invoice: better refused once at start-up than on each invoice a buyer rejects.
 * Returns one violation per bad field (path in the seller file's names) and warnings for what is
 * allowed but probably a mistake.
 */
import type { FieldViolation } from '../errors';
import type { SellerParty } from '../invoicing/types';
import { checkBankgiro } from './bankgiro';
import { checkBic } from './bic';
import { checkIban } from './iban';
import type { IdCheck } from './id-check';
import { checkPeppolParticipant } from './peppol-participant';
import { checkPlusgiro } from './plusgiro';
import { checkSwedishOrgNumber } from './swedish-org-number';
import { checkSwedishVatNumber, orgNumberOfSwedishVat } from './swedish-vat-number';

/** What Peppol rule SE-R-005 (fatal) accepts as a Swedish seller's tax registration note. */
export const F_SKATT_NOTE = 'Godkänd för F-skatt';

export interface SellerCheck {
  violations: FieldViolation[];
  warnings: string[];
}

export function checkSeller(seller: SellerParty): SellerCheck {
  const violations: FieldViolation[] = [];
  const warnings: string[] = [];
  const bad = (field: string, reason: string) => violations.push({ field, reason });
  const swedish = seller.countryCode === 'SE';

  let orgDigits: string | undefined;
  if (seller.registrationNumber !== undefined && swedish) {
    const org = checkSwedishOrgNumber(seller.registrationNumber);
    if (org.ok) orgDigits = org.value;
    else bad('registrationNumber', `not a Swedish organisation number: ${org.reason}`);
  }
  if (seller.vatNumber !== undefined) {
    if (swedish) {
      const vat = checkSwedishVatNumber(seller.vatNumber);
      if (!vat.ok)
        bad('vatNumber', `not a Swedish VAT number (SE + organisation number + 01): ${vat.reason}`);
      else if (orgDigits && orgNumberOfSwedishVat(vat.value) !== orgDigits)
        bad(
          'vatNumber',
          `${seller.vatNumber} does not hold the organisation number ${seller.registrationNumber}`,
        );
    } else if (!/^[A-Z]{2}[0-9A-Za-z+*.]{2,12}$/.test(seller.vatNumber.replace(/\s+/g, ''))) {
      bad(
        'vatNumber',
        `${JSON.stringify(seller.vatNumber)} is not a VAT number (2-letter prefix and 2-12 characters)`,
      );
    }
  }
  const bank = seller.bankAccount;
  if (bank) {
    const check = (field: keyof typeof bank, fn: (t: string) => IdCheck) => {
      const value = bank[field];
      if (value === undefined) return;
      const r = fn(value);
      if (!r.ok) bad(`bankAccount.${field}`, r.reason);
    };
    check('bankgiro', checkBankgiro);
    check('plusgiro', checkPlusgiro);
    check('iban', checkIban);
    check('bic', checkBic);
  }
  if (seller.electronicAddress) {
    const r = checkPeppolParticipant(seller.electronicAddress);
    if (!r.ok) bad('electronicAddress', r.reason);
  }
  if (swedish) {
    const note = seller.taxRegistrationNote;
    if (note !== undefined && note.trim().replace(/\s+/g, ' ').toUpperCase() !== F_SKATT_NOTE.toUpperCase())
      bad(
        'taxRegistrationNote',
        `a Swedish seller's tax registration note must read "${F_SKATT_NOTE}" (Peppol SE-R-005), got ${JSON.stringify(note)}`,
      );
    if (note === undefined && seller.vatNumber !== undefined)
      warnings.push(
        `taxRegistrationNote is not set: a Swedish seller approved for F-tax states "${F_SKATT_NOTE}" on its invoices`,
      );
  }
  return { violations, warnings };
}
