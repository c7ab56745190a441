/**
 * Amounts and signs in the UBL documents.
 *
 * Credit notes: this service stores a credit note with NEGATIVE quantities and amounts (so that an
 * invoice plus its credit notes sum to what is owed, see src/domain/invoicing/credit-note.ts). UBL
 * says it the other way round: the CreditNote root already means "money back", so its amounts are
 * positive (a negative CreditNote would be a debit, and EN 16931 receivers book it that way). The
 * writer therefore multiplies every amount and quantity of a credit note by -1; invoices keep their
 * signs. Unit prices are never negative in UBL (BR-27): a line with a negative price gets the signs
 * of its price and quantity swapped, which leaves quantity × price unchanged.
 */
import { type Decimal, formatAmount, parseAmount } from '../../domain/money';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { leaf, type XmlElement } from './xml';

/** 1 for an invoice, -1 for a credit note: what every domain amount is multiplied by. */
export function documentSign(doc: IssuedInvoiceDocument): 1 | -1 {
  return doc.documentType === 'credit_note' ? -1 : 1;
}

/** A domain amount in the document's sign convention, 2 decimals (EN 16931 BR-DEC-*). */
export function ublAmount(text: string, sign: 1 | -1): string {
  return formatAmount(parseAmount(text).times(sign), 2);
}

/** A decimal without exponent and without trailing zeros ("60", "0.0125"). */
export function exactDecimal(value: Decimal): string {
  return formatAmount(value);
}

/** `<name currencyID="SEK">12.50</name>` from a domain amount. */
export function amountElement(
  name: string,
  text: string,
  currency: string,
  sign: 1 | -1,
): XmlElement | undefined {
  return leaf(name, ublAmount(text, sign), { currencyID: currency });
}
