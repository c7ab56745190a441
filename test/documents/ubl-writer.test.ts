/** The UBL writer's own rules, without the validators: escaping, signs, references and refusals. */
import { describe, expect, it } from 'vitest';
import { renderUbl } from '../../src/documents/ubl/render-ubl';
import { escapeAttribute, escapeText, el, leaf, serializeXml } from '../../src/documents/ubl/xml';
import { FailedPreconditionError } from '../../src/domain/errors';
import { ublDocuments } from './ubl-fixtures';

const docs = ublDocuments();

describe('XML escaping', () => {
  it('escapes markup and drops characters XML 1.0 cannot carry', () => {
    expect(escapeText('A & B <c> "d"')).toBe('A &amp; B &lt;c&gt; "d"');
    expect(escapeAttribute('a"b\tc\nd')).toBe('a&quot;b&#9;c&#10;d');
    expect(escapeText('bell\u0007 nul\u0000 fffe\uFFFE lone\uD800 ok\u{1F600}')).toBe(
      'bell nul fffe lone ok\u{1F600}',
    );
    expect(escapeText('line\r\nnext')).toBe('line&#13;\nnext');
  });

  it('leaves out empty elements (PEPPOL-EN16931-R008)', () => {
    const root = el(
      'a',
      {},
      leaf('b', ''),
      leaf('c', ' '),
      leaf('d', undefined),
      el('e', {}),
      leaf('f', 'x'),
    );
    expect(serializeXml(root!)).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<a>\n  <f>x</f>\n</a>\n');
    expect(el('a', {}, leaf('b', undefined))).toBeUndefined();
  });
});

describe('renderUbl', () => {
  it('writes a credit note with positive amounts and a reference to its invoice', () => {
    const credit = docs.credit!;
    expect(credit.totals.payableAmount.startsWith('-')).toBe(true);
    const xml = renderUbl(credit);
    expect(xml).toContain('<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"');
    expect(xml).toContain('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>');
    expect(xml).toContain(
      `<cbc:PayableAmount currencyID="SEK">${credit.totals.payableAmount.slice(1)}</cbc:PayableAmount>`,
    );
    expect(xml).toContain(`<cbc:ID>${docs.withPeriodPricing!.number}</cbc:ID>`);
    expect(xml).not.toContain('<cbc:DueDate>');
  });

  it('keeps prices positive: a negative line has a negative quantity', () => {
    const xml = renderUbl(docs.withPeriodPricing!);
    expect(xml).not.toMatch(/<cbc:PriceAmount[^>]*>-/);
    expect(xml).toMatch(/<cbc:InvoicedQuantity unitCode="C62">-1<\/cbc:InvoicedQuantity>/);
  });

  it('writes exact quantities, base quantities and the line discount', () => {
    const xml = renderUbl(docs.withPeriodPricing!);
    expect(xml).toContain('<cbc:InvoicedQuantity unitCode="SEC">12735</cbc:InvoicedQuantity>');
    expect(xml).toContain('<cbc:BaseQuantity unitCode="SEC">60</cbc:BaseQuantity>');
    expect(xml).toContain('<cbc:MultiplierFactorNumeric>12.5</cbc:MultiplierFactorNumeric>');
    expect(xml).toContain('<cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>');
  });

  it('states the VAT in SEK on a EUR invoice', () => {
    const eur = docs.eur!;
    const xml = renderUbl(eur);
    expect(xml).toContain('<cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>');
    expect(xml).toContain(
      `<cbc:TaxAmount currencyID="SEK">${eur.accountingCurrencyVat!.vatTotal}</cbc:TaxAmount>`,
    );
  });

  it('writes the reverse-charge wording', () => {
    const xml = renderUbl(docs.reverseCharge!);
    expect(xml).toContain('<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>');
    expect(xml).toContain('Omvänd betalningsskyldighet');
    // Once: the domain's reason already opens with it.
    expect(xml.match(/Omvänd betalningsskyldighet/g)).toHaveLength(1);
  });

  it('refuses a buyer without a Peppol address, naming the customer field', () => {
    const { electronicAddress: _none, ...buyer } = docs.domestic!.buyer;
    const render = () => renderUbl({ ...docs.domestic!, buyer });
    expect(render).toThrow(FailedPreconditionError);
    expect(render).toThrow(/customer cust-1001 .*electronic_address/);
  });

  it('falls back to the customer id as buyer reference (PEPPOL-EN16931-R003)', () => {
    const { reference: _r, orderReference: _o, ...buyer } = docs.domestic!.buyer;
    expect(renderUbl({ ...docs.domestic!, buyer })).toContain(
      '<cbc:BuyerReference>cust-1001</cbc:BuyerReference>',
    );
  });
});
