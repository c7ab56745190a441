import { describe, expect, it } from 'vitest';
import type { ExchangeRateTable } from '../../src/domain/exchange-rates/exchange-rate-table';
import { rateOn } from '../../src/domain/exchange-rates/rate-on';
import { accountingCurrencyVat } from '../../src/domain/invoicing/accounting-currency-vat';

const table: ExchangeRateTable = {
  accountingCurrency: 'SEK',
  maxAgeDays: 14,
  rates: [
    { currency: 'EUR', date: '2026-11-30', rate: '11.0245', source: 'Riksbanken' },
    { currency: 'EUR', date: '2026-11-01', rate: '11.2000' },
    { currency: 'EUR', date: '2026-11-15', rate: '11.1000' },
    { currency: 'USD', date: '2026-10-01', rate: '10.5000' },
  ],
};

describe('rateOn', () => {
  it('takes the latest rate dated on or before the date, in any order in the file', () => {
    expect(rateOn(table, 'EUR', '2026-11-30')).toMatchObject({ ok: true, rate: { rate: '11.0245' } });
    expect(rateOn(table, 'EUR', '2026-11-29')).toMatchObject({ ok: true, rate: { date: '2026-11-15' } });
    expect(rateOn(table, 'EUR', '2026-11-14')).toMatchObject({ ok: true, rate: { date: '2026-11-01' } });
    expect(rateOn(table, 'EUR', '2026-12-14')).toMatchObject({ ok: true, rate: { date: '2026-11-30' } });
  });
  it('uses a rate at most maxAgeDays old', () => {
    expect(rateOn(table, 'EUR', '2026-11-15').ok).toBe(true);
    const old = rateOn(table, 'EUR', '2026-12-15');
    expect(old).toEqual({
      ok: false,
      reason: 'the latest rate for EUR on or before 2026-12-15 is dated 2026-11-30, 15 days old (at most 14)',
    });
    expect(rateOn({ ...table, maxAgeDays: 0 }, 'EUR', '2026-11-30').ok).toBe(true);
    expect(rateOn({ ...table, maxAgeDays: 0 }, 'EUR', '2026-12-01').ok).toBe(false);
  });
  it('says when there is no rate at all or only later ones', () => {
    expect(rateOn(table, 'NOK', '2026-11-30')).toEqual({ ok: false, reason: 'there is no rate for NOK' });
    expect(rateOn(table, 'EUR', '2026-10-31')).toEqual({
      ok: false,
      reason: 'the earliest rate for EUR is dated after 2026-10-31',
    });
  });
});

describe('accountingCurrencyVat', () => {
  it('is the VAT total times the rate, rounded once to 2 decimals half up', () => {
    expect(accountingCurrencyVat('25.00', 'SEK', table.rates[0]!)).toEqual({
      currency: 'SEK',
      rate: '11.0245',
      rateDate: '2026-11-30',
      rateSource: 'Riksbanken',
      vatTotal: '275.61', // 275.6125
    });
    expect(
      accountingCurrencyVat('-10.00', 'SEK', { currency: 'EUR', date: '2026-11-01', rate: '11.0005' }),
    ).toEqual({ currency: 'SEK', rate: '11.0005', rateDate: '2026-11-01', vatTotal: '-110.01' });
    expect(accountingCurrencyVat('0.00', 'SEK', table.rates[1]!).vatTotal).toBe('0.00');
  });
});
