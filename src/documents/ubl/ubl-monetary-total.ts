/**
 * Document totals (BG-22). The service has no document-level allowances, charges, prepayments or
 * rounding amount, so: sum of lines = tax exclusive (BR-CO-13), + VAT = tax inclusive (BR-CO-15),
 * = payable (BR-CO-16).
 */
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { amountElement } from './ubl-amounts';
import { el, type XmlElement } from './xml';

export function monetaryTotalElement(doc: IssuedInvoiceDocument, sign: 1 | -1): XmlElement | undefined {
  const t = doc.totals;
  return el(
    'cac:LegalMonetaryTotal',
    {},
    amountElement('cbc:LineExtensionAmount', t.netTotal, doc.currency, sign),
    amountElement('cbc:TaxExclusiveAmount', t.netTotal, doc.currency, sign),
    amountElement('cbc:TaxInclusiveAmount', t.grossTotal, doc.currency, sign),
    amountElement('cbc:PayableAmount', t.payableAmount, doc.currency, sign),
  );
}
