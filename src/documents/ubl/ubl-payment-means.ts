/**
 * Payment instructions (BG-16) and terms (BT-20) of an invoice. A credit note carries none: nothing
 * is paid by the buyer, and the PDF tells how the credit is settled.
 *
 * - Bankgiro / plusgiro: code 30 (credit transfer) with the account number in digits and the branch
 *   SE:BANKGIRO / SE:PLUSGIRO, the only way Swedish receivers recognise them (SE-R-011; digits only
 *   and 7-8 / 2-8 of them, SE-R-007 ... SE-R-010).
 * - IBAN: code 30 as well, with the BIC as the branch. 58 (SEPA credit transfer) would fit a EUR
 *   invoice, but all payment means of a document must have the same code (UBL-SR-47) and bankgiro
 *   must be 30, so one code serves all.
 * The payment reference (BT-83) is the invoice number, as printed on the PDF (no OCR number).
 */
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { el, leaf, type XmlElement } from './xml';

function means(
  code: string,
  paymentId: string,
  account: string,
  branch: string | undefined,
): XmlElement | undefined {
  return el(
    'cac:PaymentMeans',
    {},
    leaf('cbc:PaymentMeansCode', code),
    leaf('cbc:PaymentID', paymentId),
    el(
      'cac:PayeeFinancialAccount',
      {},
      leaf('cbc:ID', account),
      el('cac:FinancialInstitutionBranch', {}, leaf('cbc:ID', branch)),
    ),
  );
}

const digits = (s: string): string => s.replace(/\D/g, '');

export function paymentMeansElements(doc: IssuedInvoiceDocument): (XmlElement | undefined)[] {
  if (doc.documentType === 'credit_note') return [];
  const bank = doc.seller.bankAccount;
  if (!bank) return [];
  const iban = bank.iban?.replace(/\s/g, '').toUpperCase();
  return [
    bank.bankgiro ? means('30', doc.number, digits(bank.bankgiro), 'SE:BANKGIRO') : undefined,
    bank.plusgiro ? means('30', doc.number, digits(bank.plusgiro), 'SE:PLUSGIRO') : undefined,
    iban ? means('30', doc.number, iban, bank.bic?.replace(/\s/g, '')) : undefined,
  ];
}

export function paymentTermsElement(doc: IssuedInvoiceDocument): XmlElement | undefined {
  if (doc.documentType === 'credit_note') return undefined;
  return el('cac:PaymentTerms', {}, leaf('cbc:Note', `${doc.paymentTermsDays} days net, due ${doc.dueDate}`));
}
