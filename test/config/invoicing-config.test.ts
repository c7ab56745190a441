import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SELLER, loadInvoicingConfig } from '../../src/config/invoicing-config';
import { checkSeller } from '../../src/domain/parties/seller-checks';
import { VALID_SELLER } from '../support/sellers';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seller-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
function load(seller: unknown, env: Record<string, string> = {}) {
  const file = path.join(dir, `seller-${n++}.json`);
  fs.writeFileSync(file, JSON.stringify(seller));
  return loadInvoicingConfig({ BILLING_SELLER_FILE: file, BILLING_RULES_DIR: 'rules', ...env });
}
const without = (k: string) => Object.fromEntries(Object.entries(VALID_SELLER).filter(([key]) => key !== k));

describe('the seller file', () => {
  it('accepts a valid Swedish seller and derives its Peppol id from the organisation number', () => {
    const c = load(VALID_SELLER);
    expect(c.exampleSeller).toBe(false);
    expect(c.seller.electronicAddress).toEqual({ scheme: '0007', id: '5566778899' });
    expect(c.accountingCurrency).toBe('SEK');
    expect(c.warnings).toEqual([]);
  });

  it('keeps an electronicAddress and an accountingCurrency it is given', () => {
    const c = load({
      ...VALID_SELLER,
      electronicAddress: { scheme: '0088', id: '7300010000001' },
      accountingCurrency: 'EUR',
    });
    expect(c.seller.electronicAddress).toEqual({ scheme: '0088', id: '7300010000001' });
    expect(c.accountingCurrency).toBe('EUR');
  });

  it('stores the VAT number compact, as Peppol wants it', () => {
    expect(load({ ...VALID_SELLER, vatNumber: 'se 556677889901' }).seller.vatNumber).toBe('SE556677889901');
  });

  it.each([
    [
      { registrationNumber: '556677-8898' },
      /"registrationNumber": not a Swedish organisation number: .*Luhn/,
    ],
    [{ vatNumber: 'SE556677889801' }, /"vatNumber": .*Luhn/],
    [
      { vatNumber: 'SE556000000101' },
      /"vatNumber": SE556000000101 does not hold the organisation number 556677-8899/,
    ],
    [{ vatNumber: 'SE5566778899' }, /"vatNumber": .*14/],
    [{ bankAccount: { bankgiro: '5050-1056' } }, /"bankAccount.bankgiro": .*Luhn/],
    [{ bankAccount: { plusgiro: '4711-1' } }, /"bankAccount.plusgiro": .*Luhn/],
    [{ bankAccount: { iban: 'SE46 5000 0000 0583 9825 7466' } }, /"bankAccount.iban": .*mod 97/],
    [{ bankAccount: { bic: 'ESSESES' } }, /"bankAccount.bic": .*8 or 11/],
    [{ bankAccount: { swift: 'ESSESESS' } }, /"bankAccount.swift" is not a field/],
    [{ electronicAddress: { scheme: '0007', id: '5566778898' } }, /"electronicAddress": .*Luhn/],
    [{ electronicAddress: { scheme: '1234', id: 'x' } }, /"electronicAddress": .*code list/],
    [{ electronicAddress: '0007:5566778899' }, /"electronicAddress" must be/],
    [{ taxRegistrationNote: 'F-skatt' }, /"taxRegistrationNote": .*Godkänd för F-skatt.*SE-R-005/],
    [{ accountingCurrency: 'kronor' }, /"accountingCurrency" must be an ISO 4217/],
    [{ vatRate: '20' }, /SE-R-006/],
  ])('refuses %j, naming the field and the reason', (change, message) => {
    expect(() => load({ ...VALID_SELLER, ...change })).toThrow(message);
  });

  it('names the file in the message', () => {
    expect(() => load({ ...VALID_SELLER, registrationNumber: '1' })).toThrow(
      /^BILLING_SELLER_FILE .*seller-\d+\.json: /,
    );
  });

  it('accepts "Godkänd för F-skatt" in any case and warns when a Swedish VAT-registered seller omits it', () => {
    expect(load({ ...VALID_SELLER, taxRegistrationNote: 'GODKÄND FÖR F-SKATT' }).warnings).toEqual([]);
    expect(load(without('taxRegistrationNote')).warnings).toEqual([
      expect.stringMatching(/taxRegistrationNote is not set/),
    ]);
  });

  it('does not apply Swedish rules to a seller elsewhere', () => {
    const c = load({
      name: 'Konferenz GmbH',
      countryCode: 'DE',
      vatNumber: 'DE123456789',
      registrationNumber: 'HRB 12345',
      vatRate: '19',
      bankAccount: { iban: 'DE89 3704 0044 0532 0130 00', bic: 'COBADEFFXXX' },
    });
    expect(c.seller.electronicAddress).toBeUndefined();
    expect(c.warnings).toEqual([]);
  });
});

describe('the example seller and demo mode', () => {
  it('passes the seller checks itself', () => {
    expect(checkSeller(DEFAULT_SELLER)).toEqual({ violations: [], warnings: [] });
  });

  it('is used without BILLING_SELLER_FILE, with a warning, and demo mode is off by default', () => {
    const c = loadInvoicingConfig({ BILLING_RULES_DIR: 'rules' });
    expect(c).toMatchObject({ exampleSeller: true, demo: false, seller: DEFAULT_SELLER });
    expect(c.warnings[0]).toMatch(/no BILLING_SELLER_FILE/);
    const demo = loadInvoicingConfig({ BILLING_RULES_DIR: 'rules', BILLING_DEMO: 'true' });
    expect(demo).toMatchObject({ exampleSeller: true, demo: true });
    expect(demo.warnings[0]).toMatch(/demo mode/);
  });

  it('refuses BILLING_CLOSE_ISSUE=true with the example seller outside demo mode, and a bad BILLING_DEMO', () => {
    expect(() => loadInvoicingConfig({ BILLING_CLOSE_ISSUE: 'true' })).toThrow(/BILLING_SELLER_FILE/);
    expect(loadInvoicingConfig({ BILLING_CLOSE_ISSUE: 'true', BILLING_DEMO: 'true' }).closeIssues).toBe(true);
    expect(() => loadInvoicingConfig({ BILLING_DEMO: 'yes' })).toThrow(/BILLING_DEMO must be true or false/);
  });

  it('warns when the exchange rates file is missing or invalid', () => {
    const missing = loadInvoicingConfig({
      BILLING_DEMO: 'true',
      BILLING_EXCHANGE_RATES_FILE: path.join(dir, 'none.json'),
    });
    expect(missing.warnings).toContainEqual(expect.stringMatching(/none\.json is missing/));
    const bad = path.join(dir, 'bad-rates.json');
    fs.writeFileSync(
      bad,
      JSON.stringify({
        accountingCurrency: 'SEK',
        rates: [{ currency: 'EUR', date: '2026-02-30', rate: '11' }],
      }),
    );
    const c = loadInvoicingConfig({ BILLING_DEMO: 'true', BILLING_EXCHANGE_RATES_FILE: bad });
    expect(c.warnings).toContainEqual(
      expect.stringMatching(
        /bad-rates\.json is invalid.*\$\.rates\[0\]\.date: 2026-02-30 is not a calendar date/,
      ),
    );
  });
});
