import { describe, expect, it } from 'vitest';
import type { ExchangeRateSource } from '../../src/app/invoicing/exchange-rate-source';
import { assertSellerConfigured, issueOptions } from '../../src/app/invoicing/issue-guard';
import type { IssuingDocument } from '../../src/app/invoicing/ports';
import { DEFAULT_SELLER } from '../../src/config/invoicing-config';
import { FailedPreconditionError } from '../../src/domain/errors';

const rates: ExchangeRateSource = {
  location: 'rules/exchange-rates.json',
  table: () =>
    Promise.resolve({
      accountingCurrency: 'SEK',
      maxAgeDays: 14,
      rates: [{ currency: 'EUR', date: '2026-11-23', rate: '11.0245', source: 'Riksbanken' }],
    }),
};
const settings = {
  exampleSeller: false,
  demo: false,
  accountingCurrency: 'SEK',
  exchangeRates: rates,
  seller: DEFAULT_SELLER,
};
const doc = (over: Partial<IssuingDocument> = {}): IssuingDocument => ({
  id: '7',
  currency: 'EUR',
  vatTotal: '25.00',
  seller: DEFAULT_SELLER,
  ...over,
});

describe('assertSellerConfigured', () => {
  it('refuses the example seller outside demo mode, naming BILLING_SELLER_FILE', () => {
    expect(() => assertSellerConfigured({ exampleSeller: true, demo: false })).toThrow(
      FailedPreconditionError,
    );
    expect(() => assertSellerConfigured({ exampleSeller: true, demo: false })).toThrow(/BILLING_SELLER_FILE/);
    expect(() => assertSellerConfigured({ exampleSeller: true, demo: true })).not.toThrow();
    expect(() => assertSellerConfigured({ exampleSeller: false, demo: false })).not.toThrow();
  });
});

describe('issueOptions', () => {
  it('records only the configured seller for a document in the accounting currency', async () => {
    const options = await issueOptions(settings, '2026-11-28');
    expect(options.issueDate).toBe('2026-11-28');
    expect(options.stamp!(doc({ currency: 'SEK' }))).toEqual({ seller: DEFAULT_SELLER });
  });

  it('issues a draft closed under another seller with the seller configured now', async () => {
    const configured = { ...DEFAULT_SELLER, name: 'Nordkonferens AB' };
    const options = await issueOptions({ ...settings, seller: configured }, '2026-11-28');
    expect(options.stamp!(doc({ currency: 'SEK', seller: DEFAULT_SELLER })).seller).toBe(configured);
  });

  it('records the VAT in SEK at the rate of the issue date', async () => {
    const options = await issueOptions(settings, '2026-11-28');
    expect(options.stamp!(doc())).toEqual({
      seller: DEFAULT_SELLER,
      accountingCurrencyVat: {
        currency: 'SEK',
        rate: '11.0245',
        rateDate: '2026-11-23',
        rateSource: 'Riksbanken',
        vatTotal: '275.61',
      },
    });
  });

  it('refuses a foreign currency without a rate, naming the currency, the date and the file', async () => {
    const options = await issueOptions(settings, '2026-12-08');
    expect(() => options.stamp!(doc())).toThrow(
      /no exchange rate for EUR on 2026-12-08 in rules\/exchange-rates\.json \(.*15 days old/,
    );
    expect(() => options.stamp!(doc({ currency: 'NOK' }))).toThrow(/no exchange rate for NOK/);
  });

  it('refuses a foreign currency when the seller has no IBAN and BIC', async () => {
    const seller = { ...DEFAULT_SELLER, bankAccount: { bankgiro: '123-4566' } };
    const options = await issueOptions({ ...settings, seller }, '2026-11-28');
    expect(() => options.stamp!(doc())).toThrow(/needs an IBAN and BIC to be paid/);
  });

  it('refuses a foreign currency when the rates file cannot be read, with its reason', async () => {
    const broken: ExchangeRateSource = {
      location: 'x.json',
      table: () => Promise.reject(new Error('x.json $: not valid JSON')),
    };
    const options = await issueOptions({ ...settings, exchangeRates: broken }, '2026-11-28');
    expect(options.stamp!(doc({ currency: 'SEK' }))).toEqual({ seller: DEFAULT_SELLER });
    expect(() => options.stamp!(doc())).toThrow(
      /exchange rates file x\.json cannot be used: x\.json \$: not valid JSON/,
    );
  });

  it('refuses before reading anything when the seller is the example outside demo mode', async () => {
    await expect(issueOptions({ ...settings, exampleSeller: true }, '2026-11-28')).rejects.toThrow(
      /BILLING_SELLER_FILE/,
    );
  });
});
