/**
 * The bookkeeping vouchers of issued documents (src/domain/bookkeeping): every voucher balances to
 * 0.00, receivables equal the gross, revenue the net per account, output VAT the VAT per rate; a
 * credit note books with opposite signs; a foreign-currency document converts at the rate recorded
 * at issue with its VAT equal to the SEK VAT it states; configured accounts replace the BAS ones.
 */
import { describe, expect, it } from 'vitest';
import { BAS_ACCOUNTS, type BookkeepingAccounts } from '../../src/domain/bookkeeping/accounts';
import { bookDocuments } from '../../src/domain/bookkeeping/book-documents';
import { voucherFor, type Voucher } from '../../src/domain/bookkeeping/vouchers';
import { FailedPreconditionError } from '../../src/domain/errors';
import { buildCreditNote } from '../../src/domain/invoicing/credit-note';
import type { IssuedInvoiceDocument } from '../../src/domain/invoicing/types';
import { Decimal } from '../../src/domain/money';
import { parseBookkeepingConfig } from '../../src/config/bookkeeping-config';
import { ConfigError } from '../../src/config/config';
import { issuedDocument, line } from '../support/issued-documents';

const sum = (v: Voucher) => v.transactions.reduce((s, t) => s.plus(t.amount), new Decimal(0));
const amountOn = (v: Voucher, account: string) =>
  v.transactions
    .filter((t) => t.account === account)
    .reduce((s, t) => s.plus(t.amount), new Decimal(0))
    .toFixed(2);

// 25 % on 100.01 + 33.33 = 133.34 -> VAT 33.335 -> 33.34; 12 % on 10.05 -> 1.206 -> 1.21; 6 % on 9.99 -> 0.5994 -> 0.60
const mixed = issuedDocument('INV-2026-000001', [
  line(1, '100.01', '25', 'S'),
  line(2, '33.33', '25', 'S'),
  line(3, '10.05', '12', 'S'),
  line(4, '9.99', '6', 'S'),
]);

describe('vouchers of SEK documents', () => {
  it('debits receivables with the gross and credits revenue and VAT per rate; balances to 0.00', () => {
    const { voucher } = voucherFor(mixed, BAS_ACCOUNTS, 'F');
    expect(voucher.transactions).toEqual([
      { account: '1510', amount: '188.53' },
      { account: '3001', amount: '-133.34' },
      { account: '3002', amount: '-10.05' },
      { account: '3003', amount: '-9.99' },
      { account: '2611', amount: '-33.34' },
      { account: '2621', amount: '-1.21' },
      { account: '2631', amount: '-0.60' },
    ]);
    expect(sum(voucher).toFixed(2)).toBe('0.00');
    expect(amountOn(voucher, '1510')).toBe(mixed.totals.grossTotal);
    expect(voucher).toMatchObject({ series: 'F', date: '2026-11-02', documentNumber: 'INV-2026-000001' });
    expect(voucher.text).toBe('Faktura INV-2026-000001, Åkerlund & Söner Konsult AB');
  });

  it('books reverse charge, non-EU and zero-rated lines on their revenue accounts without VAT', () => {
    const doc = issuedDocument('INV-2026-000002', [
      line(1, '200.00', '0', 'AE'),
      line(2, '50.50', '0', 'O'),
      line(3, '7.25', '0', 'G'),
      line(4, '3.00', '0', 'Z'),
    ]);
    const { voucher } = voucherFor(doc, BAS_ACCOUNTS, 'F');
    expect(amountOn(voucher, '3308')).toBe('-200.00');
    expect(amountOn(voucher, '3305')).toBe('-57.75');
    expect(amountOn(voucher, '3004')).toBe('-3.00');
    expect(amountOn(voucher, '1510')).toBe('260.75');
    expect(voucher.transactions.some((t) => t.account.startsWith('26'))).toBe(false);
    expect(sum(voucher).isZero()).toBe(true);
  });

  it('a credit note books the same accounts with opposite signs', () => {
    const note = {
      ...buildCreditNote(mixed, { reason: 'Wrong rate', issueDate: '2026-11-20' }),
      status: 'issued' as const,
      number: 'CN-2026-000001',
    };
    const invoice = voucherFor(mixed, BAS_ACCOUNTS, 'F').voucher;
    const credit = voucherFor(note, BAS_ACCOUNTS, 'F').voucher;
    expect(credit.transactions).toEqual(
      invoice.transactions.map((t) => ({
        account: t.account,
        amount: new Decimal(t.amount).negated().toFixed(2),
      })),
    );
    expect(credit.text).toBe('Kreditfaktura CN-2026-000001, Åkerlund & Söner Konsult AB');
    expect(sum(credit).isZero()).toBe(true);
  });

  it("the month's totals equal the documents' gross, net and VAT totals", () => {
    const docs = [
      mixed,
      issuedDocument('INV-2026-000003', [line(1, '1234.56', '25', 'S'), line(2, '0.01', '25', 'S')], {
        issueDate: '2026-11-01',
      }),
      issuedDocument('INV-2026-000004', [line(1, '99.99', '0', 'AE')], { issueDate: '2026-11-30' }),
    ];
    const booked = bookDocuments(docs, BAS_ACCOUNTS, 'F');
    expect(booked.vouchers.map((v) => v.documentNumber)).toEqual([
      'INV-2026-000003',
      'INV-2026-000001',
      'INV-2026-000004',
    ]);
    const total = (pick: (d: IssuedInvoiceDocument) => string) =>
      docs.reduce((s, d) => s.plus(pick(d)), new Decimal(0)).toFixed(2);
    const onAccounts = (prefix: string) =>
      booked.vouchers
        .flatMap((v) => v.transactions)
        .filter((t) => t.account.startsWith(prefix))
        .reduce((s, t) => s.plus(t.amount), new Decimal(0))
        .negated()
        .toFixed(2);
    expect(onAccounts('15')).toBe(new Decimal(total((d) => d.totals.grossTotal)).negated().toFixed(2));
    expect(onAccounts('3')).toBe(total((d) => d.totals.netTotal));
    expect(onAccounts('26')).toBe(total((d) => d.totals.vatTotal));
    for (const v of booked.vouchers) expect(sum(v).isZero()).toBe(true);
    expect(booked.accounts).toEqual([
      { number: '1510', name: 'Kundfordringar' },
      { number: '2611', name: 'Utgående moms på försäljning inom Sverige, 25 %' },
      { number: '2621', name: 'Utgående moms på försäljning inom Sverige, 12 %' },
      { number: '2631', name: 'Utgående moms på försäljning inom Sverige, 6 %' },
      { number: '3001', name: 'Försäljning inom Sverige, 25 % moms' },
      { number: '3002', name: 'Försäljning inom Sverige, 12 % moms' },
      { number: '3003', name: 'Försäljning inom Sverige, 6 % moms' },
      { number: '3308', name: 'Försäljning tjänster till annat EU-land' },
    ]);
  });
});

describe('documents in another currency', () => {
  // EUR 100.05 + 33.33 at 25 % = 133.38, VAT 33.345 -> 33.35; plus 10.01 at 12 % -> 1.2012 -> 1.20.
  const eur = issuedDocument(
    'INV-2026-000010',
    [line(1, '100.05', '25', 'S'), line(2, '33.33', '25', 'S'), line(3, '10.01', '12', 'S')],
    { currency: 'EUR' },
  );
  // The rate recorded at issue, and the VAT the invoice states in SEK: (33.35 + 1.20) × 11.0245 = 380.895475 -> 380.90.
  const withRate: IssuedInvoiceDocument = {
    ...eur,
    accountingCurrencyVat: {
      currency: 'SEK',
      rate: '11.0245',
      rateDate: '2026-11-01',
      rateSource: 'Riksbanken',
      vatTotal: '380.90',
    },
  };

  it('converts each amount at the recorded rate, half-up to öre; VAT equals the stated SEK VAT', () => {
    const { voucher } = voucherFor(withRate, BAS_ACCOUNTS, 'F');
    // revenue 25 %: 133.38 × 11.0245 = 1470.44781 -> 1470.45; 12 %: 10.01 × 11.0245 = 110.355245 -> 110.36
    expect(amountOn(voucher, '3001')).toBe('-1470.45');
    expect(amountOn(voucher, '3002')).toBe('-110.36');
    // VAT per rate: 33.35 × 11.0245 = 367.667075 -> 367.67; 1.20 × 11.0245 = 13.2294 -> 13.23; sum 380.90 = stated
    expect(amountOn(voucher, '2611')).toBe('-367.67');
    expect(amountOn(voucher, '2621')).toBe('-13.23');
    // the receivable balances: 1470.45 + 110.36 + 380.90
    expect(amountOn(voucher, '1510')).toBe('1961.71');
    expect(sum(voucher).isZero()).toBe(true);
    expect(voucher.text).toBe('Faktura INV-2026-000010, Åkerlund & Söner Konsult AB, 177.94 EUR à 11.0245');
  });

  it('a cent difference between the per-rate VAT and the stated SEK VAT goes to the largest rate', () => {
    const stated = {
      ...withRate,
      accountingCurrencyVat: { ...withRate.accountingCurrencyVat!, vatTotal: '380.91' },
    };
    const { voucher } = voucherFor(stated, BAS_ACCOUNTS, 'F');
    expect(amountOn(voucher, '2611')).toBe('-367.68');
    expect(amountOn(voucher, '2621')).toBe('-13.23');
    expect(amountOn(voucher, '1510')).toBe('1961.72');
    expect(sum(voucher).isZero()).toBe(true);
  });

  it('without the rate recorded at issue the document cannot be booked, and the error names it', () => {
    expect(() => voucherFor(eur, BAS_ACCOUNTS, 'F')).toThrow(FailedPreconditionError);
    expect(() => bookDocuments([mixed, eur], BAS_ACCOUNTS, 'F')).toThrow(
      /1 document\(s\) cannot be booked: invoice INV-2026-000010 is in EUR and has no SEK exchange rate/,
    );
  });
});

describe('configured accounts', () => {
  it('replace the BAS defaults, with their configured names', () => {
    const config = parseBookkeepingConfig(
      {
        voucherSeries: 'KF',
        accounts: { receivables: '1511', domesticRevenue: { '25': '3010' }, euRevenue: '3310' },
        accountNames: { '3010': 'Konferenstjänster, 25 % moms' },
      },
      'test',
    );
    expect(config.voucherSeries).toBe('KF');
    const accounts: BookkeepingAccounts = config.accounts;
    const booked = bookDocuments(
      [issuedDocument('INV-2026-000005', [line(1, '80.00', '25', 'S'), line(2, '20.00', '0', 'AE')])],
      accounts,
      config.voucherSeries,
    );
    expect(booked.vouchers[0]!.series).toBe('KF');
    expect(booked.vouchers[0]!.transactions).toEqual([
      { account: '1511', amount: '120.00' },
      { account: '3010', amount: '-80.00' },
      { account: '3310', amount: '-20.00' },
      { account: '2611', amount: '-20.00' },
    ]);
    expect(booked.accounts).toEqual([
      { number: '1511', name: 'Kundfordringar' },
      { number: '2611', name: 'Utgående moms på försäljning inom Sverige, 25 %' },
      { number: '3010', name: 'Konferenstjänster, 25 % moms' },
      { number: '3310', name: 'Försäljning tjänster till annat EU-land' },
    ]);
  });

  it('a domestic rate without an account is refused, not booked on a guess', () => {
    const doc = issuedDocument('INV-2026-000006', [line(1, '10.00', '12.5', 'S')]);
    expect(() => voucherFor(doc, BAS_ACCOUNTS, 'F')).toThrow(/12\.5 % VAT and no revenue account/);
    const config = parseBookkeepingConfig(
      { accounts: { domesticRevenue: { '12.50': '3005' }, outputVat: { '12.5': '2625' } } },
      'test',
    );
    expect(voucherFor(doc, config.accounts, 'F').voucher.transactions).toEqual([
      { account: '1510', amount: '11.25' },
      { account: '3005', amount: '-10.00' },
      { account: '2625', amount: '-1.25' },
    ]);
  });

  it.each([
    [{ accounts: { receivables: '151' } }, '"accounts.receivables" must be a 4-digit account number'],
    [{ accounts: { receivables: 1510 } }, '"accounts.receivables" must be a 4-digit account number'],
    [{ accounts: { outputVat: { '25': '26110' } } }, '"accounts.outputVat.25" must be a 4-digit'],
    [{ accounts: { outputVat: { high: '2611' } } }, '"accounts.outputVat.high" must be keyed by a VAT rate'],
    [{ accounts: { recievables: '1510' } }, '"accounts.recievables" is not a known field'],
    [{ voucherSeries: 'F 1' }, '"voucherSeries" must be 1-10 letters or digits'],
    [{ accountNames: { '3001': '' } }, '"accountNames.3001" must be a name'],
    [[], '"(file)" must be a JSON object'],
  ])('%j is refused naming the field', (raw, message) => {
    expect(() => parseBookkeepingConfig(raw, 'BILLING_BOOKKEEPING_FILE x.json')).toThrow(ConfigError);
    expect(() => parseBookkeepingConfig(raw, 'BILLING_BOOKKEEPING_FILE x.json')).toThrow(message);
  });
});
