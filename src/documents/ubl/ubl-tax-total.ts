/**
 * VAT: the breakdown per category and rate (BG-23) and, on an invoice in a foreign currency, the VAT
 * total in the seller's accounting currency (BT-111) as a second TaxTotal without subtotals, which is
 * how UBL carries the Swedish VAT act's "VAT amount in SEK" (PEPPOL-EN16931-R053/R054).
 *
 * Exemption reasons (required for E, AE, K, G, O: BR-E-10, BR-AE-10, ...) carry a VATEX code and a
 * text. Reverse charge uses the wording of the Swedish VAT act, "Omvänd betalningsskyldighet".
 *
 * Services to a business outside the EU are not subject to Swedish VAT. EN 16931 offers two
 * categories: O ("outside the scope") forbids every VAT identifier on the document (BR-O-02), but a
 * Swedish invoice must state the seller's VAT number; G (VATEX-EU-G, "export outside the EU")
 * requires the seller's VAT number (BR-G-02) and a zero rate, and is what Swedish e-invoicing
 * guidance uses for sales to third countries. So the service bills them as G; O still renders
 * (without VAT identifiers) for supplies that are truly outside the scope of VAT.
 */
import type { IssuedInvoiceDocument, VatBreakdownEntry, VatCategory } from '../../domain/invoicing/types';
import { amountElement } from './ubl-amounts';
import { el, leaf, type XmlElement } from './xml';

const EXEMPTION: Partial<Record<VatCategory, { code?: string; text: string }>> = {
  AE: { code: 'VATEX-EU-AE', text: 'Reverse charge' },
  K: { code: 'VATEX-EU-IC', text: 'Intra-community supply' },
  G: { code: 'VATEX-EU-G', text: 'Export outside the EU' },
  O: { code: 'VATEX-EU-O', text: 'Not subject to VAT' },
  E: { text: 'Exempt from VAT' },
};

/** What the Swedish VAT act requires a reverse-charge invoice to say. */
const REVERSE_CHARGE_SE = 'Omvänd betalningsskyldighet';

/** The exemption reason code and text of a category, or undefined for S and Z. */
export function exemption(entry: VatBreakdownEntry): { code?: string; text: string } | undefined {
  const known = EXEMPTION[entry.vatCategory];
  if (!known) return undefined;
  const text = entry.exemptionReason?.trim() || known.text;
  // The domain's AE reason already opens with the Swedish wording; say it once.
  const needsWording = entry.vatCategory === 'AE' && !text.includes(REVERSE_CHARGE_SE);
  return {
    ...(known.code ? { code: known.code } : {}),
    text: needsWording ? `${REVERSE_CHARGE_SE} / ${text}` : text,
  };
}

/** TaxCategory / ClassifiedTaxCategory content: category, rate (never for O: BR-O-05, BR-O-09). */
export function taxCategory(
  name: 'cac:TaxCategory' | 'cac:ClassifiedTaxCategory',
  category: VatCategory,
  rate: string,
  reason?: { code?: string; text: string },
): XmlElement | undefined {
  return el(
    name,
    {},
    leaf('cbc:ID', category),
    category === 'O' ? undefined : leaf('cbc:Percent', rate),
    leaf('cbc:TaxExemptionReasonCode', reason?.code),
    leaf('cbc:TaxExemptionReason', reason?.text),
    el('cac:TaxScheme', {}, leaf('cbc:ID', 'VAT')),
  );
}

export function taxTotalElements(doc: IssuedInvoiceDocument, sign: 1 | -1): (XmlElement | undefined)[] {
  const accounting = doc.accountingCurrencyVat;
  return [
    el(
      'cac:TaxTotal',
      {},
      amountElement('cbc:TaxAmount', doc.totals.vatTotal, doc.currency, sign),
      doc.vatBreakdown.map((entry) =>
        el(
          'cac:TaxSubtotal',
          {},
          amountElement('cbc:TaxableAmount', entry.taxableAmount, doc.currency, sign),
          amountElement('cbc:TaxAmount', entry.vatAmount, doc.currency, sign),
          taxCategory('cac:TaxCategory', entry.vatCategory, entry.vatRate, exemption(entry)),
        ),
      ),
    ),
    accounting && accounting.currency !== doc.currency
      ? el('cac:TaxTotal', {}, amountElement('cbc:TaxAmount', accounting.vatTotal, accounting.currency, sign))
      : undefined,
  ];
}
