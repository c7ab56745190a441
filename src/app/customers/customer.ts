/** The checks a customer's fields must pass (the Customer type itself is in the domain). */
import { IANAZone } from 'luxon';
import type { CustomerInput } from '../../domain/customers/customer';
import type { FieldViolation } from '../../domain/errors';
import { checkEuVatNumber, isEuMemberState } from '../../domain/parties/eu-vat-number';
import { checkPeppolParticipant } from '../../domain/parties/peppol-participant';
import { quoteForMessage } from '../../domain/quote-value';

export {
  contentOf,
  sameContent,
  type Customer,
  type CustomerInput,
  type PostalAddress,
} from '../../domain/customers/customer';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MAX_EXTERNAL_ID_LENGTH = 128;
/** Peppol participant ids are at most 50 characters (Peppol Policy for use of identifiers). */
export const MAX_ELECTRONIC_ADDRESS_ID_LENGTH = 50;
/** Buyer and order references (BT-10, BT-13): what Swedish public buyers' systems accept. */
export const MAX_REFERENCE_LENGTH = 100;

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && CURRENCIES.has(code);
}

export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && REGION_NAMES.of(code) !== undefined;
}

const REGION_ZONE = /^[A-Za-z]+(\/[A-Za-z0-9_+-]+)+$/;

/**
 * An IANA zone of a region ("Europe/Stockholm", "Etc/GMT-1") or "UTC". Not the bare legacy names
 * ("CET", "EST5EDT") nor abbreviations ("IST"): ICU reads them as zones, but PostgreSQL, which
 * dates customers' running totals, reads an abbreviation first, as a fixed offset that may not be
 * the same ("IST" is India to ICU, Israel to PostgreSQL; its "CET" has no summer time), or not at all
 * ("AET").
 */
export function isTimeZone(zone: string): boolean {
  return (zone === 'UTC' || REGION_ZONE.test(zone)) && IANAZone.isValidZone(zone);
}

export function validateExternalId(id: string, field: string, out: FieldViolation[]): void {
  if (!id.trim()) out.push({ field, reason: 'required' });
  else if (id.length > MAX_EXTERNAL_ID_LENGTH)
    out.push({ field, reason: `at most ${MAX_EXTERNAL_ID_LENGTH} characters` });
  else if (id !== id.trim()) out.push({ field, reason: 'must not begin or end with white space' });
}

/** Every problem of the customer at once, with field paths under `prefix` (e.g. "customer."). */
export function validateCustomer(c: CustomerInput, prefix = 'customer.'): FieldViolation[] {
  const v: FieldViolation[] = [];
  validateExternalId(c.externalId, `${prefix}external_id`, v);
  if (!c.name.trim())
    v.push({ field: `${prefix}name`, reason: 'required: the legal name printed on invoices' });
  if (!isCurrencyCode(c.currencyCode)) {
    v.push({
      field: `${prefix}currency_code`,
      reason: `${quoteForMessage(c.currencyCode)} is not an ISO 4217 currency code (three upper-case letters, e.g. "SEK")`,
    });
  }
  if (!isTimeZone(c.timeZone)) {
    v.push({
      field: `${prefix}time_zone`,
      reason: `${quoteForMessage(c.timeZone)} is not an IANA time zone of a region (e.g. "Europe/Stockholm", or "UTC"): abbreviations such as "CET" or "IST" mean different zones to different systems`,
    });
  }
  if (c.countryCode && !isCountryCode(c.countryCode)) {
    v.push({
      field: `${prefix}country_code`,
      reason: `${quoteForMessage(c.countryCode)} is not an ISO 3166-1 alpha-2 country code (e.g. "SE")`,
    });
  }
  if (c.billingAddress.countryCode && !isCountryCode(c.billingAddress.countryCode)) {
    v.push({
      field: `${prefix}billing_address.country_code`,
      reason: `${quoteForMessage(c.billingAddress.countryCode)} is not an ISO 3166-1 alpha-2 country code`,
    });
  }
  if (!Number.isInteger(c.paymentTermsDays) || c.paymentTermsDays < 0 || c.paymentTermsDays > 365) {
    v.push({ field: `${prefix}payment_terms_days`, reason: 'must be a whole number of days from 0 to 365' });
  }
  if (c.email && !EMAIL.test(c.email))
    v.push({ field: `${prefix}email`, reason: `${quoteForMessage(c.email)} is not an e-mail address` });
  // Reverse charge rests on the buyer's VAT number: a buyer in an EU member state needs one in its
  // state's format (a typo would otherwise move the VAT to the buyer on a number that is no one's).
  const vatCountry = c.countryCode || c.billingAddress.countryCode;
  if (c.vatNumber && vatCountry && isEuMemberState(vatCountry)) {
    const vat = checkEuVatNumber(c.vatNumber, vatCountry);
    if (!vat.ok) v.push({ field: `${prefix}vat_number`, reason: vat.reason });
  }
  if (c.invoiceLineGrouping === 'unrecognized')
    v.push({
      field: `${prefix}invoice_line_grouping`,
      reason: 'unknown value: ACCESS_TYPE_ZONE or CONFERENCE',
    });
  if (c.electronicAddress) validateElectronicAddress(c.electronicAddress, `${prefix}electronic_address`, v);
  validateReference(c.buyerReference, `${prefix}buyer_reference`, v);
  validateReference(c.orderReference, `${prefix}order_reference`, v);
  return v;
}

function validateElectronicAddress(
  a: { scheme: string; id: string },
  field: string,
  out: FieldViolation[],
): void {
  if (!a.scheme && !a.id) return; // an empty message is "none"
  if (!a.id || a.id.length > MAX_ELECTRONIC_ADDRESS_ID_LENGTH) {
    out.push({
      field: `${field}.id`,
      reason: `required: 1 to ${MAX_ELECTRONIC_ADDRESS_ID_LENGTH} characters`,
    });
    return;
  }
  const check = checkPeppolParticipant(a);
  if (!check.ok)
    out.push({
      field: /^(scheme|id)\b/.test(check.reason) ? `${field}.${check.reason.split(' ')[0]}` : field,
      reason: check.reason,
    });
}

function validateReference(value: string | undefined, field: string, out: FieldViolation[]): void {
  if (!value) return;
  if (value.length > MAX_REFERENCE_LENGTH)
    out.push({ field, reason: `at most ${MAX_REFERENCE_LENGTH} characters` });
  else if (!value.trim() || value !== value.trim())
    out.push({ field, reason: 'must not be blank or begin or end with white space' });
}
