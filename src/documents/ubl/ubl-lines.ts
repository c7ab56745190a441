/**
 * Invoice / credit note lines (BG-25). Each line states quantity, unit (UN/ECE rec. 20: SEC, MIN,
 * C62), the exact price per base quantity as on the rate card, an optional percentage allowance,
 * and the net amount, such that quantity × price / base quantity − allowance = net amount within
 * 0.02 (PEPPOL-EN16931-R120), which the domain guarantees to the cent for exact lines.
 *
 * Signs (see ./ubl-amounts.ts): credit notes flip every amount and quantity; a price is never
 * negative (BR-27), so a negative line (included minutes, rounding, a price adjustment) carries a
 * negative quantity and a negative net amount with a positive price. An allowance's base amount
 * follows the sign of quantity × price, so amount = base × percent / 100 (PEPPOL-EN16931-R040)
 * holds on negative lines too.
 */
import { type Decimal, formatAmount, parseAmount } from '../../domain/money';
import type { InvoiceLine, IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { exactDecimal } from './ubl-amounts';
import { taxCategory } from './ubl-tax-total';
import { el, leaf, type XmlElement } from './xml';

const ALLOWANCE_DISCOUNT = '95';

function money(value: Decimal, currency: string, name: string): XmlElement | undefined {
  return leaf(name, formatAmount(value, 2), { currencyID: currency });
}

function allowanceElement(line: InvoiceLine, negative: boolean, currency: string): XmlElement | undefined {
  const a = line.allowance;
  if (!a) return undefined;
  const s = negative ? -1 : 1;
  return el(
    'cac:AllowanceCharge',
    {},
    leaf('cbc:ChargeIndicator', 'false'),
    leaf('cbc:AllowanceChargeReasonCode', ALLOWANCE_DISCOUNT),
    leaf('cbc:AllowanceChargeReason', a.reason || 'Discount'),
    leaf('cbc:MultiplierFactorNumeric', exactDecimal(parseAmount(a.percent))),
    money(parseAmount(a.amount).abs().times(s), currency, 'cbc:Amount'),
    money(parseAmount(a.baseAmount).abs().times(s), currency, 'cbc:BaseAmount'),
  );
}

function properties(line: InvoiceLine): (XmlElement | undefined)[] {
  const props: [string, string | undefined][] = [
    ['Conference', line.conferenceId],
    ['Access type', line.accessType],
    ['Zone', line.zone],
    ['Calls', line.calls !== undefined ? String(line.calls) : undefined],
    ['Service period', line.servicePeriodKey],
  ];
  return props
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([name, value]) =>
      el('cac:AdditionalItemProperty', {}, leaf('cbc:Name', name), leaf('cbc:Value', value)),
    );
}

export function lineElement(
  doc: IssuedInvoiceDocument,
  line: InvoiceLine,
  sign: 1 | -1,
): XmlElement | undefined {
  const isCredit = doc.documentType === 'credit_note';
  let quantity = parseAmount(line.quantity).times(sign);
  let price = parseAmount(line.unitPrice);
  if (price.isNegative()) {
    price = price.negated();
    quantity = quantity.negated();
  }
  const net = parseAmount(line.netAmount).times(sign);
  const base = line.baseQuantity ?? '1';
  return el(
    isCredit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine',
    {},
    leaf('cbc:ID', String(line.lineNo)),
    leaf(isCredit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', exactDecimal(quantity), {
      unitCode: line.unitCode,
    }),
    money(net, doc.currency, 'cbc:LineExtensionAmount'),
    allowanceElement(line, quantity.isNegative(), doc.currency),
    el(
      'cac:Item',
      {},
      leaf('cbc:Name', line.description.trim() || line.kind.replace(/_/g, ' ')),
      el('cac:SellersItemIdentification', {}, leaf('cbc:ID', line.kind)),
      taxCategory('cac:ClassifiedTaxCategory', line.vatCategory, line.vatRate),
      properties(line),
    ),
    el(
      'cac:Price',
      {},
      leaf('cbc:PriceAmount', exactDecimal(price), { currencyID: doc.currency }),
      leaf('cbc:BaseQuantity', exactDecimal(parseAmount(base)), { unitCode: line.unitCode }),
    ),
  );
}

export function lineElements(doc: IssuedInvoiceDocument, sign: 1 | -1): (XmlElement | undefined)[] {
  return doc.lines.map((line) => lineElement(doc, line, sign));
}
