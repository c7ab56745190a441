import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInvoiceDraft, computeTotals, type ChargeSummary } from '../../src/domain/invoicing/index';
import { lineAddsUp, priceLine } from '../../src/domain/invoicing/line-price';
import { Decimal, roundMoney } from '../../src/domain/money';
import { summaryArb } from './arbitraries';
import { baseInput, calls, charge, sampleCharges } from './fixtures';

describe('line grouping', () => {
  const ROUNDING = "Rounding: each call's charge rounded to the cent";

  it('groups by access type + zone: seconds at the exact price per minute, and the rounding of the calls', () => {
    const d = buildInvoiceDraft({ ...baseInput, charges: sampleCharges });
    expect(
      d.lines.map((l) => [
        l.lineNo,
        l.kind,
        l.description,
        l.quantity,
        l.unitCode,
        l.unitPrice,
        l.baseQuantity,
        l.netAmount,
        l.vatRate,
      ]),
    ).toEqual([
      // 9030 x 0.09 / 60 = 13.545 -> 13.55 (half up)
      [1, 'usage', 'Dial-in, local number, zone SE', '9030', 'SEC', '0.09', '60', '13.55', '25'],
      [2, 'usage', 'Dial-in, toll-free number, zone SE', '2700', 'SEC', '0.25', '60', '11.25', '25'],
      // 615 x 0.15 / 60 = 1.5375 -> 1.54
      [3, 'usage', 'Dial-out, zone US', '615', 'SEC', '0.15', '60', '1.54', '25'],
      [4, 'usage', 'Web / VoIP', '3600', 'SEC', '0.01', '60', '0.60', '25'],
      // the calls came to 13.56 + 11.25 + 1.54 + 0.60 = 26.95, the lines to 26.94 (three local calls
      // of 3.615 were each rounded up to 3.62): one line of +0.01, quantity 1 at 0.01
      [5, 'rounding', ROUNDING, '1', 'C62', '0.01', undefined, '0.01', '25'],
    ]);
    expect(d.lines.every((l) => lineAddsUp(l))).toBe(true);
    expect(d.lines.some((l) => 'calls' in l)).toBe(false);
    // net 26.95 = the calls' charges; VAT 26.95 x 25% = 6.7375 -> 6.74; gross 33.69
    expect(d.vatBreakdown).toEqual([
      { vatCategory: 'S', vatRate: '25', taxableAmount: '26.95', vatAmount: '6.74' },
    ]);
    expect(d.totals).toEqual({
      netTotal: '26.95',
      vatTotal: '6.74',
      grossTotal: '33.69',
      payableAmount: '33.69',
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

  it('groups by conference when asked, one line per exact price, and the same total', () => {
    const d = buildInvoiceDraft({ ...baseInput, charges: sampleCharges, grouping: 'conference' });
    // conf-A: dial-out 615 s x 0.15 / 60 = 1.5375 -> 1.54; local 7230 s x 0.09 / 60 = 10.845 -> 10.85;
    //         web 3600 s x 0.01 / 60 = 0.60; its calls: 1.54 + 10.86 + 0.60 = 13.00 (lines 12.99)
    // conf-B: toll-free 2700 s x 0.25 / 60 = 11.25; local 1800 s x 0.09 / 60 = 2.70 (calls 13.95 too)
    // rounding +0.01; net 26.95 as by zone (no longer a cent apart: every total is the calls' charges)
    expect(d.lines.map((l) => [l.description, l.quantity, l.unitPrice, l.netAmount])).toEqual([
      ['Conference conf-A', '615', '0.15', '1.54'],
      ['Conference conf-A', '7230', '0.09', '10.85'],
      ['Conference conf-A', '3600', '0.01', '0.60'],
      ['Conference conf-B', '2700', '0.25', '11.25'],
      ['Conference conf-B', '1800', '0.09', '2.70'],
      [ROUNDING, '1', '0.01', '0.01'],
    ]);
    expect(d.totals).toMatchObject({ netTotal: '26.95', vatTotal: '6.74', grossTotal: '33.69' });
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

  it('splits lines by VAT rate, with a rounding line per rate, and breaks VAT down per rate', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: [
        // 3 calls of 1001 s x 0.20 / 60 = 3.3366... -> 3.34 each, 10.02; line 3003 s = 10.01
        calls('dial_out', 'US', 'c2', '0.20', [1001, 1001, 1001]),
        // 2 calls of 25 s x 0.15 / 60 = 0.0625 -> 0.06 each, 0.12; line 50 s = 0.125 -> 0.13
        calls('dial_out', 'US', 'c1', '0.15', [25, 25], { vatRate: '0' }),
        // 60 s x 1.111 / 60 = 1.111 -> 1.11; line 1.11
        calls('web', undefined, 'c3', '1.111', [60], { vatRate: '12' }),
      ],
    });
    expect(d.lines.map((l) => [l.kind, l.quantity, l.unitPrice, l.netAmount, l.vatRate])).toEqual([
      ['usage', '3003', '0.20', '10.01', '25'],
      ['usage', '50', '0.15', '0.13', '0'],
      ['usage', '60', '1.111', '1.11', '12'],
      ['rounding', '1', '0.01', '0.01', '25'], // 10.02 - 10.01
      ['rounding', '-1', '0.01', '-0.01', '0'], // 0.12 - 0.13: quantity -1 at a positive price (BR-27)
    ]);
    // Each rate's taxable amount is its calls' charges: 25%: 10.02, VAT 2.505 -> 2.51;
    // 12%: 1.11, VAT 0.1332 -> 0.13; 0%: 0.12, VAT 0
    expect(d.vatBreakdown).toEqual([
      { vatCategory: 'S', vatRate: '25', taxableAmount: '10.02', vatAmount: '2.51' },
      { vatCategory: 'S', vatRate: '12', taxableAmount: '1.11', vatAmount: '0.13' },
      { vatCategory: 'Z', vatRate: '0', taxableAmount: '0.12', vatAmount: '0.00' },
    ]);
    expect(d.totals).toMatchObject({ netTotal: '11.25', vatTotal: '2.64', grossTotal: '13.89' });
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
      taxableAmount: '26.95',
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

  it('bills zero-second legs with a connect fee per call', () => {
    const legs: ChargeSummary = {
      accessType: 'dial_out',
      zone: 'SE',
      conferenceId: 'c',
      seconds: '0',
      calls: 4,
      amount: '2.00',
      currency: 'SEK',
      parts: [{ kind: 'connect_fee', quantity: '4', unitCode: 'C62', price: '0.5', baseQuantity: '1' }],
    };
    const d = buildInvoiceDraft({ ...baseInput, charges: [legs] });
    // 4 x 0.5 = 2.00, as the calls: no rounding line
    expect(d.lines).toHaveLength(1);
    expect(d.lines[0]).toMatchObject({
      kind: 'connect_fee',
      description: 'Connect fee: Dial-out, zone SE',
      quantity: '4',
      unitCode: 'C62',
      unitPrice: '0.5',
      netAmount: '2.00',
    });
    expect(d.lines[0]!.baseQuantity).toBeUndefined(); // a price per one unit has no base quantity
  });

  it('prices each kind of part on its own line, with a discount as a line allowance', () => {
    // Three dial-out calls under contract K-7 (10 % off), rate 0.50/min, connect fee 0.25, minimum
    // charge 1.00, recording 0.02/min (never discounted):
    //   600 s: (5.00 + 0.25) x 0.9 = 4.725 + 0.20 = 4.925 -> 4.93
    //   300 s: (2.50 + 0.25) x 0.9 = 2.475 + 0.10 = 2.575 -> 2.58
    //    10 s: 0.0833 + 0.25 = 0.3333 < 1.00: minimum 1.00 x 0.9 = 0.90 + 0.0033 = 0.9033 -> 0.90
    //   the calls: 8.41
    const discount = { discountPercent: '10', discountReason: 'Contract K-7: 10 %' };
    const summary: ChargeSummary = {
      accessType: 'dial_out',
      zone: 'SE',
      conferenceId: 'c',
      seconds: '910',
      calls: 3,
      amount: '8.41',
      currency: 'SEK',
      parts: [
        { kind: 'usage', quantity: '900', unitCode: 'SEC', price: '0.5', baseQuantity: '60', ...discount },
        {
          kind: 'connect_fee',
          quantity: '2',
          unitCode: 'C62',
          price: '0.25',
          baseQuantity: '1',
          ...discount,
        },
        {
          kind: 'minimum_charge',
          quantity: '1',
          unitCode: 'C62',
          price: '1',
          baseQuantity: '1',
          ...discount,
        },
        {
          kind: 'surcharge',
          feature: 'recording',
          quantity: '910',
          unitCode: 'SEC',
          price: '0.02',
          baseQuantity: '60',
        },
      ],
    };
    const d = buildInvoiceDraft({ ...baseInput, charges: [summary] });
    expect(
      d.lines.map((l) => [l.kind, l.description, l.quantity, l.unitPrice, l.allowance?.amount, l.netAmount]),
    ).toEqual([
      // 900 x 0.5 / 60 = 7.50, less 10 % = 0.75: 6.75
      ['usage', 'Dial-out, zone SE', '900', '0.5', '0.75', '6.75'],
      // 2 x 0.25 = 0.50, less 0.05: 0.45
      ['connect_fee', 'Connect fee: Dial-out, zone SE', '2', '0.25', '0.05', '0.45'],
      // 1 x 1 = 1.00, less 0.10: 0.90
      ['minimum_charge', 'Calls at the minimum charge: Dial-out, zone SE', '1', '1', '0.10', '0.90'],
      // 910 x 0.02 / 60 = 0.30333 -> 0.30
      ['surcharge', 'Surcharge recording: Dial-out, zone SE', '910', '0.02', undefined, '0.30'],
      // 8.41 - (6.75 + 0.45 + 0.90 + 0.30 = 8.40)
      ['rounding', ROUNDING, '1', '0.01', undefined, '0.01'],
    ]);
    expect(d.lines[0]!.allowance).toEqual({
      percent: '10',
      baseAmount: '7.50',
      amount: '0.75',
      reason: 'Contract K-7: 10 %',
    });
    expect(d.lines.every((l) => lineAddsUp(l))).toBe(true);
    expect(d.totals.netTotal).toBe('8.41');
  });

  it('prices 893,191 s at 0.0246 per minute at 366.21, never at an average price', () => {
    // 893,191 s = 14,886.516... min; x 0.0246 = 366.2083 -> 366.21. Quantity and price are printed as
    // they are, so anyone recomputes the line: 893191 x 0.0246 / 60 = 366.20831 -> 366.21.
    const summary: ChargeSummary = {
      accessType: 'dial_out',
      zone: 'SE',
      conferenceId: 'c',
      seconds: '893191',
      calls: 5210,
      amount: '366.21',
      currency: 'SEK',
      parts: [{ kind: 'usage', quantity: '893191', unitCode: 'SEC', price: '0.0246', baseQuantity: '60' }],
    };
    const d = buildInvoiceDraft({ ...baseInput, charges: [summary] });
    expect(d.lines).toHaveLength(1);
    expect(d.lines[0]).toMatchObject({
      quantity: '893191',
      unitCode: 'SEC',
      unitPrice: '0.0246',
      baseQuantity: '60',
      netAmount: '366.21',
    });
    expect(priceLine({ quantity: '893191', unitPrice: '0.0246', baseQuantity: '60' }).netAmount).toBe(
      '366.21',
    );
    // The same in minutes: 14,886.52 min x 0.0246 = 366.2084 -> 366.21.
    expect(roundMoney(new Decimal('14886.52').times('0.0246'), 2).toFixed(2)).toBe('366.21');
    // Time at another price in the same group is a line of its own, not folded into an average:
    // 1000 s x 0.03 / 60 = 0.50
    const more = {
      ...summary,
      amount: '366.71',
      parts: [
        ...summary.parts,
        {
          kind: 'usage' as const,
          quantity: '1000',
          unitCode: 'SEC' as const,
          price: '0.03',
          baseQuantity: '60',
        },
      ],
    };
    const two = buildInvoiceDraft({ ...baseInput, charges: [more] });
    expect(two.lines.map((l) => [l.quantity, l.unitPrice, l.netAmount])).toEqual([
      ['1000', '0.03', '0.50'],
      ['893191', '0.0246', '366.21'],
    ]);
  });
});

describe('VAT rounding on many small lines', () => {
  // One call per conference of 222 s at 0.09/min = 0.333 -> 0.33.
  const thousand = () =>
    Array.from({ length: 1000 }, (_, i) =>
      calls('local_dial_in', 'SE', `conf-${String(i).padStart(4, '0')}`, '0.09', [222]),
    );

  it('1000 lines of 0.33 at 25%: VAT rounded once per rate, totals add up', () => {
    const d = buildInvoiceDraft({ ...baseInput, charges: thousand(), grouping: 'conference' });
    // per conference: 222 x 0.09 / 60 = 0.333 -> 0.33, as the call: no rounding line
    expect(d.lines).toHaveLength(1000);
    expect(d.lines.every((l) => l.netAmount === '0.33' && l.quantity === '222')).toBe(true);
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

  it('the same 1000 calls grouped by access type: one line of all their seconds, and their rounding', () => {
    const d = buildInvoiceDraft({ ...baseInput, charges: thousand() });
    // 222,000 s x 0.09 / 60 = 333.00 exactly, but each call was billed 0.33 (0.333 rounded down):
    // the calls come to 330.00, so a rounding line of -3.00 (quantity -1 at 3.00) makes the total
    // what the customer was shown call by call. VAT 330.00 x 25% = 82.50.
    expect(d.lines.map((l) => [l.kind, l.quantity, l.unitCode, l.unitPrice, l.netAmount])).toEqual([
      ['usage', '222000', 'SEC', '0.09', '333.00'],
      ['rounding', '-1', 'C62', '3.00', '-3.00'],
    ]);
    expect(d.totals).toMatchObject({ netTotal: '330.00', vatTotal: '82.50', grossTotal: '412.50' });
  });
});

describe('properties', () => {
  it('net = sum of lines, vat = sum per rate, gross = net + vat, VAT within half a cent per rate', () => {
    fc.assert(
      fc.property(
        fc.array(summaryArb, { minLength: 1, maxLength: 60 }),
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
          // The lines (usage and rounding) add up to the calls' charges, exactly, in any grouping.
          const calls = charges.reduce((s, c) => s.plus(c.amount), new Decimal(0));
          expect(net.toFixed(2)).toBe(calls.toFixed(2));
          expect(computeTotals(d.lines)).toEqual(d.totals);
        },
      ),
      { numRuns: 300 },
    );
  });
});
