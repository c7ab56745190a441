/**
 * Peppol BIS Billing 3.0 (EN 16931, UBL 2.1) for an issued invoice or credit note: pure, from the
 * document to XML text. Element order follows the UBL 2.1 schemas (Invoice and CreditNote differ
 * only where noted in the parts). Tested offline against the UBL XSD and the CEN and Peppol rules
 * (test/documents/ubl-*.test.ts).
 *
 * Throws FailedPreconditionError when the buyer or seller lacks the Peppol electronic address.
 */
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { documentSign } from './ubl-amounts';
import { attachmentElement, type UblAttachment } from './ubl-attachment';
import { headerElements, referenceElements } from './ubl-document-header';
import { lineElements } from './ubl-lines';
import { monetaryTotalElement } from './ubl-monetary-total';
import { buyerParty, sellerParty } from './ubl-parties';
import { paymentMeansElements, paymentTermsElement } from './ubl-payment-means';
import { taxTotalElements } from './ubl-tax-total';
import { el, required, serializeXml } from './xml';

export type { UblAttachment };

const CAC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2';
const CBC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2';
const INVOICE = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
const CREDIT_NOTE = 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2';

export function renderUbl(doc: IssuedInvoiceDocument, attachment?: UblAttachment): string {
  const isCredit = doc.documentType === 'credit_note';
  const sign = documentSign(doc);
  const root = el(
    isCredit ? 'CreditNote' : 'Invoice',
    { xmlns: isCredit ? CREDIT_NOTE : INVOICE, 'xmlns:cac': CAC, 'xmlns:cbc': CBC },
    headerElements(doc),
    referenceElements(doc),
    attachmentElement(doc, attachment),
    required(sellerParty(doc), 'AccountingSupplierParty'),
    required(buyerParty(doc), 'AccountingCustomerParty'),
    paymentMeansElements(doc),
    paymentTermsElement(doc),
    taxTotalElements(doc, sign),
    required(monetaryTotalElement(doc, sign), 'LegalMonetaryTotal'),
    lineElements(doc, sign),
  );
  return serializeXml(required(root, 'document'));
}
