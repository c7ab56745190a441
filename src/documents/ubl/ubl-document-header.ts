/**
 * The document-level fields of a Peppol BIS Billing 3.0 invoice or credit note, up to the parties:
 * identifiers, dates, type code, note, currencies, buyer reference and the document references.
 *
 * Type codes: 380 (commercial invoice) for every invoice, also a supplementary invoice after a rerate:
 * it is a new invoice that refers to the one it complements through BillingReference (BG-3). 384
 * (corrected invoice) is only allowed between German parties in Peppol (PEPPOL-EN16931-P0112), and a
 * supplementary invoice does not replace the earlier one anyway. Credit notes are 381.
 */
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { el, leaf, type XmlElement } from './xml';

export const CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

/** The one document-level note (PEPPOL-EN16931-R002 allows no more): credit reason and notes. */
function note(doc: IssuedInvoiceDocument): string | undefined {
  const parts = [
    doc.documentType === 'credit_note' && doc.reason ? `Reason: ${doc.reason}` : undefined,
    ...(doc.notes ?? []),
  ].filter((s): s is string => Boolean(s?.trim()));
  return parts.length ? parts.join('\n') : undefined;
}

/**
 * BT-10. Peppol requires a buyer reference or an order reference (PEPPOL-EN16931-R003); when the
 * customer gave neither, the customer's id in this service stands in, so the buyer can still route
 * the invoice (their customer number with us is printed on every invoice they get).
 */
export function buyerReference(doc: IssuedInvoiceDocument): string | undefined {
  if (doc.buyer.reference?.trim()) return doc.buyer.reference;
  if (doc.buyer.orderReference?.trim()) return undefined;
  return doc.buyer.customerId;
}

/** Identifiers, dates, type code, note, currencies, buyer reference and invoice period. */
export function headerElements(doc: IssuedInvoiceDocument): (XmlElement | undefined)[] {
  const isCredit = doc.documentType === 'credit_note';
  const accounting = doc.accountingCurrencyVat;
  return [
    leaf('cbc:CustomizationID', CUSTOMIZATION_ID),
    leaf('cbc:ProfileID', PROFILE_ID),
    leaf('cbc:ID', doc.number),
    leaf('cbc:IssueDate', doc.issueDate),
    // UBL 2.1 has no DueDate on a CreditNote: nothing is due from the buyer.
    isCredit ? undefined : leaf('cbc:DueDate', doc.dueDate),
    isCredit ? leaf('cbc:CreditNoteTypeCode', '381') : leaf('cbc:InvoiceTypeCode', '380'),
    leaf('cbc:Note', note(doc)),
    leaf('cbc:DocumentCurrencyCode', doc.currency),
    accounting && accounting.currency !== doc.currency
      ? leaf('cbc:TaxCurrencyCode', accounting.currency)
      : undefined,
    leaf('cbc:BuyerReference', buyerReference(doc)),
    el(
      'cac:InvoicePeriod',
      {},
      leaf('cbc:StartDate', doc.period.startDate),
      leaf('cbc:EndDate', doc.period.lastDate),
    ),
  ];
}

/** Order (BT-13), preceding invoice (BG-3) and contract (BT-12) references, in UBL's order. */
export function referenceElements(doc: IssuedInvoiceDocument): (XmlElement | undefined)[] {
  return [
    el('cac:OrderReference', {}, leaf('cbc:ID', doc.buyer.orderReference)),
    el(
      'cac:BillingReference',
      {},
      el(
        'cac:InvoiceDocumentReference',
        {},
        leaf('cbc:ID', doc.precedingInvoiceNumber),
        doc.precedingInvoiceNumber ? leaf('cbc:IssueDate', doc.precedingInvoiceDate) : undefined,
      ),
    ),
    el('cac:ContractDocumentReference', {}, leaf('cbc:ID', doc.buyer.contractReference)),
  ];
}
