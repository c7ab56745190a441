/**
 * The SIE 4 file round trip: vouchers written (src/domain/bookkeeping/sie-writer.ts), encoded to code
 * page 437 (src/documents/sie-encoding.ts), then read back by an independent parser
 * (test/support/sie-parser.ts): head records, #KONTO, #VER/#TRANS, quoting, CR LF, and the bytes of
 * å ä ö Å Ä Ö in the company and customer names.
 */
import { describe, expect, it } from 'vitest';
import { BAS_ACCOUNTS } from '../../src/domain/bookkeeping/accounts';
import { bookDocuments } from '../../src/domain/bookkeeping/book-documents';
import { sieField, writeSie4i } from '../../src/domain/bookkeeping/sie-writer';
import { encodeSieText } from '../../src/documents/sie-encoding';
import { parseSie, tokenizeSieLine, voucherSumOre } from '../support/sie-parser';
import { issuedDocument, line as vatLine } from '../support/issued-documents';
import { buyer } from '../invoicing/fixtures';

const line = (lineNo: number, netAmount: string) => vatLine(lineNo, netAmount, '25', 'S');

function exportOf(customerName: string) {
  const docs = [
    issuedDocument('INV-2026-000001', [line(1, '100.00'), line(2, '0.05')], {
      buyer: { ...buyer, name: customerName },
    }),
    issuedDocument('CN-2026-000001', [{ ...line(1, '-20.00') }], {
      documentType: 'credit_note',
      issueDate: '2026-11-15',
      buyer: { ...buyer, name: customerName },
    }),
  ];
  const booked = bookDocuments(docs, BAS_ACCOUNTS, 'F');
  return writeSie4i({
    program: { name: 'billing-integration', version: '0.1.0' },
    generatedOn: '2026-12-01',
    company: { name: 'Åsa Öberg Ärenden AB', registrationNumber: '556677-8899' },
    accounts: booked.accounts,
    vouchers: booked.vouchers,
  });
}

describe('SIE 4 file', () => {
  const bytes = encodeSieText(exportOf('Kåre "Kungen" Älv\\Öst'));
  const sie = parseSie(bytes);

  it('has the head records of a 4i import file', () => {
    expect(sie.head.get('#FLAGGA')).toEqual(['0']);
    expect(sie.head.get('#FORMAT')).toEqual(['PC8']);
    expect(sie.head.get('#SIETYP')).toEqual(['4']);
    expect(sie.head.get('#PROGRAM')).toEqual(['billing-integration', '0.1.0']);
    expect(sie.head.get('#GEN')).toEqual(['20261201']);
    expect(sie.head.get('#FNAMN')).toEqual(['Åsa Öberg Ärenden AB']);
    expect(sie.head.get('#ORGNR')).toEqual(['556677-8899']);
    expect(sie.head.get('#VALUTA')).toEqual(['SEK']);
    expect(sie.head.has('#IB')).toBe(false);
    expect(sie.text.split('\r\n').slice(0, 3)).toEqual(['#FLAGGA 0', '#FORMAT PC8', '#SIETYP 4']);
  });

  it('reads back every voucher, balanced, with a #KONTO for every account used', () => {
    expect(sie.vouchers.map((v) => [v.series, v.number, v.date])).toEqual([
      ['F', '', '20261102'],
      ['F', '', '20261115'],
    ]);
    const [invoice, credit] = sie.vouchers;
    expect(invoice!.transactions).toEqual([
      { account: '1510', objects: '{}', amount: '125.06' },
      { account: '3001', objects: '{}', amount: '-100.05' },
      { account: '2611', objects: '{}', amount: '-25.01' },
    ]);
    expect(credit!.transactions).toEqual([
      { account: '1510', objects: '{}', amount: '-25.00' },
      { account: '3001', objects: '{}', amount: '20.00' },
      { account: '2611', objects: '{}', amount: '5.00' },
    ]);
    for (const v of sie.vouchers) expect(voucherSumOre(v)).toBe(0n);
    const used = new Set(sie.vouchers.flatMap((v) => v.transactions.map((t) => t.account)));
    expect([...sie.accounts.keys()].sort()).toEqual([...used].sort());
    expect(sie.accounts.get('2611')).toBe('Utgående moms på försäljning inom Sverige, 25 %');
  });

  it('escapes quotation marks and backslashes in the voucher text, and reads them back', () => {
    expect(sie.vouchers[0]!.text).toBe('Faktura INV-2026-000001, Kåre "Kungen" Älv\\Öst');
    expect(sie.vouchers[1]!.text).toBe('Kreditfaktura CN-2026-000001, Kåre "Kungen" Älv\\Öst');
    expect(sie.text).toContain('"Faktura INV-2026-000001, Kåre \\"Kungen\\" Älv\\\\Öst"');
  });

  it('is code page 437: å ä ö Å Ä Ö as 0x86 0x84 0x94 0x8F 0x8E 0x99, no UTF-8', () => {
    const nameBytes = encodeSieText('åäöÅÄÖ');
    expect([...nameBytes]).toEqual([0x86, 0x84, 0x94, 0x8f, 0x8e, 0x99]);
    // "Åsa Öberg Ärenden AB" in #FNAMN, byte for byte
    const fnamn = Buffer.from([
      0x8f,
      ...Buffer.from('sa '),
      0x99,
      ...Buffer.from('berg '),
      0x8e,
      ...Buffer.from('renden AB'),
    ]);
    expect(bytes.includes(Buffer.concat([Buffer.from('#FNAMN "'), fnamn, Buffer.from('"\r\n')]))).toBe(true);
    // "Kåre" in the customer's name on the voucher
    expect(bytes.includes(Buffer.from([0x4b, 0x86, 0x72, 0x65]))).toBe(true);
    expect(bytes.includes(Buffer.from('å', 'utf8'))).toBe(false);
    expect(bytes.every((b) => b !== 0xc3)).toBe(true);
  });

  it('quotes a field only where needed and drops control characters', () => {
    expect(sieField('3001')).toBe('3001');
    expect(sieField('')).toBe('""');
    expect(sieField('a b')).toBe('"a b"');
    expect(sieField('a"b')).toBe('"a\\"b"');
    expect(sieField('a\\b')).toBe('"a\\\\b"');
    expect(sieField('{x}')).toBe('"{x}"');
    expect(sieField('line\r\nbreak')).toBe('"line  break"');
    expect(tokenizeSieLine(`#VER F "" 20261102 ${sieField('a "b" \\c')}`)).toEqual([
      '#VER',
      'F',
      '',
      '20261102',
      'a "b" \\c',
    ]);
  });
});
