import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInvoiceDraft, computeTotals, type ChargeSummary } from '../../src/domain/invoicing/index';
import { Decimal, roundMoney } from '../../src/domain/money';
import { baseInput, charge, sampleCharges } from './fixtures';

describe('line grouping', () => {
  it('groups by access type + zone with rounded nets and 4-decimal unit prices', () => {
    const d = buildInvoiceDraft({ ...baseInput, charges: sampleCharges });
    expect(
      d.lines.map((l) => [
        l.lineNo,
        l.description,
        l.quantity,
        l.unitCode,
        l.unitPrice,
        l.netAmount,
        l.vatRate,
        l.calls,
      ]),
    ).toEqual([
      [1, 'Dial-in, local number, zone SE', '150.5', 'MIN', '0.0900', '13.55', '25', 4], // 13.545 -> 13.55 (half up)
      [2, 'Dial-in, toll-free number, zone SE', '45', 'MIN', '0.2500', '11.25', '25', 1],
      [3, 'Dial-out, zone US', '10.25', 'MIN', '0.1500', '1.54', '25', 1], // 1.5375 -> 1.54
      [4, 'Web / VoIP', '60', 'MIN', '0.0100', '0.60', '25', 2],
    ]);
    // net 13.55 + 11.25 + 1.54 + 0.60 = 26.94; VAT 26.94 x 25% = 6.735 -> 6.74; gross 33.68
    expect(d.vatBreakdown).toEqual([
      { vatCategory: 'S', vatRate: '25', taxableAmount: '26.94', vatAmount: '6.74' },
    ]);
    expect(d.totals).toEqual({
      netTotal: '26.94',
      vatTotal: '6.74',
      grossTotal: '33.68',
      payableAmount: '33.68',
    });
    expect(d.dueDate).toBe('2027-01-01'); // 2 Dec + 30 days
    expect(d.period).toMatchObject({
      key: '2026-11',
      startDate: '2026-11-01',
      lastDate: '2026-11-30',
      start: '2026-10-31T23:00:00.000Z',
    });
    expect(d.status).toBe('draft');
  });

  it('groups by conference when asked', () => {
    const d = buildInvoiceDraft({ ...baseInput, charges: sampleCharges, grouping: 'conference' });
    // conf-A: 120.5 + 10.25 + 60 = 190.75 min, 10.845 + 1.5375 + 0.6 = 12.9825 -> 12.98
    // conf-B: 30 + 45 = 75 min, 2.7 + 11.25 = 13.95 -> 13.95; net 26.93 (one cent less than by zone:
    // each line rounds on its own), VAT 6.7325 -> 6.73, gross 33.66
    expect(d.lines.map((l) => [l.description, l.quantity, l.unitPrice, l.netAmount])).toEqual([
      ['Conference conf-A', '190.75', '0.0681', '12.98'], // 12.9825 / 190.75 = 0.06806...
      ['Conference conf-B', '75', '0.1860', '13.95'],
    ]);
    expect(d.totals).toMatchObject({ netTotal: '26.93', vatTotal: '6.73', grossTotal: '33.66' });
  });

  it('puts late charges of an earlier period on their own marked lines', () => {
    const late = charge('local_dial_in', 'SE', 'conf-Z', '10', 1, '0.9', { servicePeriodKey: '2026-10' });
    const own = charge('local_dial_in', 'SE', 'conf-C', '5', 1, '0.45', { servicePeriodKey: '2026-11' });
    const d = buildInvoiceDraft({ ...baseInput, charges: [late, own] });
    expect(d.lines.map((l) => [l.description, l.servicePeriodKey, l.netAmount])).toEqual([
      ['Dial-in, local number, zone SE', undefined, '0.45'],
      ['Dial-in, local number, zone SE (period 2026-10)', '2026-10', '0.90'],
    ]);
  });

  it('splits lines by VAT rate and breaks VAT down per rate', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: [
        charge('dial_out', 'US', 'c1', '100', 1, '10.005', { vatRate: '0' }),
        charge('dial_out', 'US', 'c2', '10', 1, '3.333'),
        charge('web', undefined, 'c3', '1', 1, '1.111', { vatRate: '12' }),
      ],
    });
    // 25%: 3.333 -> 3.33, VAT 0.8325 -> 0.83; 12%: 1.111 -> 1.11, VAT 0.1332 -> 0.13; 0%: 10.005 -> 10.01 (half up), VAT 0
    expect(d.vatBreakdown).toEqual([
      { vatCategory: 'S', vatRate: '25', taxableAmount: '3.33', vatAmount: '0.83' },
      { vatCategory: 'S', vatRate: '12', taxableAmount: '1.11', vatAmount: '0.13' },
      { vatCategory: 'Z', vatRate: '0', taxableAmount: '10.01', vatAmount: '0.00' },
    ]);
    expect(d.totals).toMatchObject({ netTotal: '14.45', vatTotal: '0.96', grossTotal: '15.41' });
  });

  it('supports reverse charge (AE) and refuses a VAT rate on it', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      defaultVatRate: '0',
      vatCategory: 'AE',
    });
    expect(d.vatBreakdown).toHaveLength(1);
    expect(d.vatBreakdown[0]).toMatchObject({
      vatCategory: 'AE',
      vatRate: '0',
      taxableAmount: '26.94',
      vatAmount: '0.00',
    });
    expect(d.vatBreakdown[0]!.exemptionReason).toMatch(/Reverse charge/);
    expect(() => buildInvoiceDraft({ ...baseInput, charges: sampleCharges, vatCategory: 'AE' })).toThrow(
      /rate 0/,
    );
  });

  it('refuses charges in another currency and numbers that are not decimal strings', () => {
    expect(() =>
      buildInvoiceDraft({
        ...baseInput,
        charges: [charge('web', undefined, 'c', '1', 1, '1', { currency: 'EUR' })],
      }),
    ).toThrow(/EUR/);
    expect(() =>
      buildInvoiceDraft({ ...baseInput, charges: [charge('web', undefined, 'c', '1', 1, '1e3')] }),
    ).toThrow(RangeError);
  });

  it('bills zero-minute legs with a connect fee per call', () => {
    const d = buildInvoiceDraft({ ...baseInput, charges: [charge('dial_out', 'SE', 'c', '0', 4, '2')] });
    expect(d.lines[0]).toMatchObject({
      quantity: '4',
      unitCode: 'C62',
      unitPrice: '0.5000',
      netAmount: '2.00',
    });
  });
});

describe('VAT rounding on many small lines', () => {
  it('1000 lines of 0.333 at 25%: VAT rounded once per rate, totals add up', () => {
    const charges = Array.from({ length: 1000 }, (_, i) =>
      charge('local_dial_in', 'SE', `conf-${String(i).padStart(4, '0')}`, '3.7', 1, '0.333'),
    );
    const d = buildInvoiceDraft({ ...baseInput, charges, grouping: 'conference' });
    expect(d.lines).toHaveLength(1000);
    expect(d.lines.every((l) => l.netAmount === '0.33')).toBe(true); // 0.333 -> 0.33 per line
    // net = 1000 x 0.33 = 330.00
    // per rate:  330.00 x 0.25 = 82.50 (exact, nothing lost)
    // per line:  0.33 x 0.25 = 0.0825 -> 0.08, x 1000 = 80.00 (2.50 short: what per-line rounding would do)
    expect(d.totals).toEqual({
      netTotal: '330.00',
      vatTotal: '82.50',
      grossTotal: '412.50',
      payableAmount: '412.50',
    });
    const perLine = d.lines.reduce(
      (s, l) => s.plus(roundMoney(new Decimal(l.netAmount).times('0.25'), 2)),
      new Decimal(0),
    );
    expect(perLine.toFixed(2)).toBe('80.00');
  });

  it('1000 lines of 0.35 at 25%: per-line rounding would overcharge 2.50', () => {
    const charges = Array.from({ length: 1000 }, (_, i) =>
      charge('web', undefined, `c${i}`, '35', 1, '0.35'),
    );
    const d = buildInvoiceDraft({ ...baseInput, charges, grouping: 'conference' });
    // per rate: 350.00 x 0.25 = 87.50; per line: 0.0875 -> 0.09, x 1000 = 90.00
    expect(d.totals).toEqual({
      netTotal: '350.00',
      vatTotal: '87.50',
      grossTotal: '437.50',
      payableAmount: '437.50',
    });
  });

  it('the same 1000 charges grouped by access type make one line of the unrounded sum', () => {
    const charges = Array.from({ length: 1000 }, (_, i) =>
      charge('local_dial_in', 'SE', `conf-${i}`, '3.7', 1, '0.333'),
    );
    const d = buildInvoiceDraft({ ...baseInput, charges });
    // 1000 x 0.333 = 333.000 -> 333.00; 3700 min; 0.0900/min; VAT 83.25; gross 416.25
    expect(d.lines).toHaveLength(1);
    expect(d.lines[0]).toMatchObject({
      quantity: '3700',
      unitPrice: '0.0900',
      netAmount: '333.00',
      calls: 1000,
    });
    expect(d.totals).toMatchObject({ netTotal: '333.00', vatTotal: '83.25', grossTotal: '416.25' });
  });
});

describe('properties', () => {
  const digits = (maxInt: number, decimals: number) =>
    fc
      .tuple(fc.integer({ min: 0, max: maxInt }), fc.integer({ min: 0, max: 10 ** decimals - 1 }))
      .map(([i, f]) => `${i}.${String(f).padStart(decimals, '0')}`);
  const chargeArb: fc.Arbitrary<ChargeSummary> = fc.record({
    accessType: fc.constantFrom(
      'local_dial_in' as const,
      'toll_free_dial_in' as const,
      'dial_out' as const,
      'web' as const,
    ),
    zone: fc.constantFrom('SE', 'NO', 'US', 'DE'),
    conferenceId: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    minutes: digits(5000, 4),
    calls: fc.integer({ min: 1, max: 50 }),
    amount: digits(2000, 6),
    currency: fc.constant('SEK'),
    vatRate: fc.constantFrom('25', '12', '6', '0'),
  });

  it('net = sum of lines, vat = sum per rate, gross = net + vat, VAT within half a cent per rate', () => {
    fc.assert(
      fc.property(
        fc.array(chargeArb, { minLength: 1, maxLength: 60 }),
        fc.constantFrom('access_type_zone' as const, 'conference' as const),
        (charges, grouping) => {
          const d = buildInvoiceDraft({ ...baseInput, charges, grouping });
          const net = d.lines.reduce((s, l) => s.plus(l.netAmount), new Decimal(0));
          const vat = d.vatBreakdown.reduce((s, b) => s.plus(b.vatAmount), new Decimal(0));
          expect(d.totals.netTotal).toBe(net.toFixed(2));
          expect(d.totals.vatTotal).toBe(vat.toFixed(2));
          expect(d.totals.grossTotal).toBe(net.plus(vat).toFixed(2));
          expect(d.totals.payableAmount).toBe(d.totals.grossTotal);
          expect(d.vatBreakdown.reduce((s, b) => s.plus(b.taxableAmount), new Decimal(0)).toFixed(2)).toBe(
            d.totals.netTotal,
          );
          for (const b of d.vatBreakdown) {
            const exact = new Decimal(b.taxableAmount).times(b.vatRate).dividedBy(100);
            expect(exact.minus(b.vatAmount).abs().lessThanOrEqualTo('0.005')).toBe(true);
          }
          // Each line is its unrounded amount rounded once: within half a cent.
          const unrounded = charges.reduce((s, c) => s.plus(c.amount), new Decimal(0));
          expect(
            unrounded.minus(net).abs().lessThanOrEqualTo(new Decimal('0.005').times(d.lines.length)),
          ).toBe(true);
          expect(computeTotals(d.lines)).toEqual(d.totals);
        },
      ),
      { numRuns: 300 },
    );
  });
});
