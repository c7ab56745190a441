/**
 * The SIE file's code page (src/documents/sie-encoding.ts): names from other systems arrive
 * decomposed (macOS, some web forms) or with characters code page 437 lacks. They must reach the
 * bookkeeping program readable, and never break the field quoting of the file.
 */
import { describe, expect, it } from 'vitest';
import { BAS_ACCOUNTS } from '../../src/domain/bookkeeping/accounts';
import { writeSie4i } from '../../src/domain/bookkeeping/sie-writer';
import { voucherFor } from '../../src/domain/bookkeeping/vouchers';
import { encodeSieText, toCp437Repertoire } from '../../src/documents/sie-encoding';
import { buyer } from '../invoicing/fixtures';
import { issuedDocument, line } from '../support/issued-documents';
import { parseSie, voucherSumOre } from '../support/sie-parser';

const fileFor = (buyerName: string, companyName = 'Säljaren AB') => {
  const doc = issuedDocument('INV-2026-000001', [line(1, '100.00', '25', 'S')], {
    buyer: { ...buyer, name: buyerName },
  });
  const text = writeSie4i({
    program: { name: 'billing', version: '1.0.0' },
    generatedOn: '2026-12-01',
    company: { name: companyName },
    accounts: [{ number: '1510', name: 'Kundfordringar' }],
    vouchers: [voucherFor(doc, BAS_ACCOUNTS, 'F').voucher],
  });
  return parseSie(encodeSieText(text));
};

describe('SIE text in code page 437', () => {
  it('an Å typed as A + combining ring is the CP437 Å, not "A?"', () => {
    const sie = fileFor('A\u030akerlund & So\u0308ner AB', 'Sa\u0308ljaren AB');
    expect(sie.vouchers[0]!.text).toBe('Faktura INV-2026-000001, Åkerlund & Söner AB');
    expect(sie.head.get('#FNAMN')).toEqual(['Säljaren AB']);
  });

  it('spells characters CP437 lacks with ones it has instead of "?"', () => {
    const sie = fileFor('Łódź Sp. z o.o. – “Kraków” Š€');
    expect(sie.vouchers[0]!.text).toBe("Faktura INV-2026-000001, Lódz Sp. z o.o. - 'Kraków' SEUR");
  });

  it('never turns a character into a quote, backslash or brace that would break the quoting', () => {
    for (const name of ['“Quoted”', 'a\u2003b', '„x‟', 'ends with ”', '\u201c']) {
      const sie = fileFor(name);
      expect(sie.vouchers).toHaveLength(1);
      expect(voucherSumOre(sie.vouchers[0]!)).toBe(0n);
      expect(sie.vouchers[0]!.text.startsWith('Faktura INV-2026-000001, ')).toBe(true);
    }
    expect(toCp437Repertoire('a\u3000b\u00a0c')).toBe('a b\u00a0c');
  });

  it('keeps what CP437 has, byte for byte', () => {
    const text = '#FNAMN "Ärlig Åkeri & Östra Öl AB" ß é ü ½ ±\r\n';
    expect(toCp437Repertoire(text)).toBe(text);
  });
});
