import { describe, expect, it } from 'vitest';
import {
  buildInvoiceDraft,
  priceTiers,
  validateTiers,
  type VolumeTier,
} from '../../src/domain/invoicing/index';
import { lineAddsUp } from '../../src/domain/invoicing/line-price';
import { baseInput, calls, charge, sampleCharges } from './fixtures';

const tiers: VolumeTier[] = [
  { upTo: '1000', unitPrice: '0.10' },
  { upTo: '5000', unitPrice: '0.08' },
  { upTo: null, unitPrice: '0.05' },
];

describe('volume tiers: graduated vs volume', () => {
  it.each([
    // quantity, graduated, volume
    ['0', '0', '0'], // nothing, no flat fee
    ['999', '99.9', '99.9'],
    ['1000', '100', '100'], // upTo is inclusive: minute 1000 is still tier 1
    ['1000.5', '100.04', '80.04'], // 100 + 0.5 x 0.08 | 1000.5 x 0.08
    ['1500', '140', '120'], // 100 + 500 x 0.08 | 1500 x 0.08
    ['6000', '470', '300'], // 100 + 4000 x 0.08 + 1000 x 0.05 | 6000 x 0.05
  ])('%s minutes: graduated %s, volume %s', (q, graduated, volume) => {
    expect(priceTiers(q, tiers, 'graduated').amount).toBe(graduated);
    expect(priceTiers(q, tiers, 'volume').amount).toBe(volume);
  });

  it('breaks graduated pricing down per tier and adds flat fees', () => {
    const withFee = tiers.map((t, i) => (i === 1 ? { ...t, flatFee: '20' } : t));
    const g = priceTiers('1500', withFee, 'graduated');
    expect(g.tiers.map((t) => [t.tierIndex, t.from, t.upTo, t.quantity, t.amount])).toEqual([
      [0, '0', '1000', '1000', '100'],
      [1, '1000', '5000', '500', '60'], // 500 x 0.08 + 20
    ]);
    expect(g.amount).toBe('160');
    expect(priceTiers('1500', withFee, 'volume').amount).toBe('140'); // 1500 x 0.08 + 20
    expect(priceTiers('500', withFee, 'graduated').amount).toBe('50'); // tier 2 not reached: no fee
  });

  it('refuses malformed tiers', () => {
    expect(() => validateTiers([])).toThrow();
    expect(() => validateTiers([{ upTo: '100', unitPrice: '1' }])).toThrow(/last tier/);
    expect(() =>
      validateTiers([
        { upTo: '100', unitPrice: '1' },
        { upTo: '50', unitPrice: '1' },
        { upTo: null, unitPrice: '1' },
      ]),
    ).toThrow(/above/);
    expect(() => validateTiers([{ upTo: null, unitPrice: '-1' }])).toThrow(/negative/);
  });

  it('adds tier lines to an invoice on the period minutes of the tiered access types', () => {
    // Call rules price these minutes at 0 and add a connect fee of 0.05 x 120 calls = 6.00.
    const charges = [
      charge('local_dial_in', 'SE', 'c1', '1200', 120, '6.00', {
        parts: [
          { kind: 'usage', quantity: '72000', unitCode: 'SEC', price: '0', baseQuantity: '60' },
          { kind: 'connect_fee', quantity: '120', unitCode: 'C62', price: '0.05', baseQuantity: '1' },
        ],
      }),
      charge('web', undefined, 'c2', '300', 10, '0'),
      charge('dial_out', 'US', 'c3', '10', 1, '1.50'),
    ];
    const rule = {
      model: 'graduated' as const,
      tiers,
      accessTypes: ['local_dial_in' as const, 'web' as const],
    };
    const g = buildInvoiceDraft({ ...baseInput, charges, periodPricing: { volumeTiers: rule } });
    // tiered seconds 72000 + 18000 = 90000 = 1500 min (dial-out not in scope), priced in seconds:
    // tier 1: 60000 s x 0.10 / 60 = 100.00; tier 2: 30000 s x 0.08 / 60 = 40.00
    expect(
      g.lines
        .filter((l) => l.kind === 'volume_tier')
        .map((l) => [l.description, l.quantity, l.unitCode, l.unitPrice, l.baseQuantity, l.netAmount]),
    ).toEqual([
      ['Volume minutes, tier 1 (0–1000 min)', '60000', 'SEC', '0.1', '60', '100.00'],
      ['Volume minutes, tier 2 (1000–5000 min)', '30000', 'SEC', '0.08', '60', '40.00'],
    ]);
    expect(g.lines.every((l) => lineAddsUp(l))).toBe(true);
    // net 6.00 + 0.00 + 1.50 + 140.00 = 147.50; VAT 36.875 -> 36.88; gross 184.38
    expect(g.totals).toMatchObject({ netTotal: '147.50', vatTotal: '36.88', grossTotal: '184.38' });

    const v = buildInvoiceDraft({
      ...baseInput,
      charges,
      periodPricing: { volumeTiers: { ...rule, model: 'volume' } },
    });
    // 1500 x 0.08 = 120.00; net 127.50; VAT 31.875 -> 31.88
    expect(
      v.lines.filter((l) => l.kind === 'volume_tier').map((l) => [l.description, l.quantity, l.netAmount]),
    ).toEqual([['Volume minutes, volume tier 2 (1000–5000 min)', '90000', '120.00']]); // x 0.08 / 60
    expect(v.totals).toMatchObject({ netTotal: '127.50', vatTotal: '31.88', grossTotal: '159.38' });
  });
});

describe('included minutes', () => {
  it('are consumed most expensive first across access types and zones', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { includedMinutes: { minutes: '200' } },
    });
    // 200 min = 12000 s. Per-minute prices: toll-free SE 0.25, dial-out US 0.15, local SE 0.09, web 0.01.
    //  toll-free SE: 2700 s, all of it:    2700 x 0.25 / 60 = -11.25       (9300 s left)
    //  dial-out US:  615 s, all of it:     615 x 0.15 / 60 = 1.5375 -> -1.54 (8685 s left)
    //  local SE:     8685 of 9030 s:       8685 x 0.09 / 60 = 13.0275 -> -13.03
    //  web:          nothing left
    expect(
      d.lines
        .filter((l) => l.kind === 'included_minutes')
        .map((l) => [l.description, l.quantity, l.unitCode, l.unitPrice, l.baseQuantity, l.netAmount]),
    ).toEqual([
      ['Included minutes: Dial-in, toll-free number, zone SE', '-2700', 'SEC', '0.25', '60', '-11.25'],
      ['Included minutes: Dial-out, zone US', '-615', 'SEC', '0.15', '60', '-1.54'],
      ['Included minutes: Dial-in, local number, zone SE', '-8685', 'SEC', '0.09', '60', '-13.03'],
    ]);
    expect(d.lines.every((l) => lineAddsUp(l))).toBe(true);
    // net 26.95 - 11.25 - 1.54 - 13.03 = 1.13 (= 345 local s x 0.09 / 60 = 0.5175, + 0.60 web,
    // + 0.01 rounding = 1.1275, within a cent); VAT 0.2825 -> 0.28, gross 1.41
    expect(d.totals).toMatchObject({ netTotal: '1.13', vatTotal: '0.28', grossTotal: '1.41' });
  });

  it('are consumed at the price after discount, most expensive first', () => {
    // dial-out SE at 0.20 less 50 % (0.10/min) ranks below local SE at 0.12 (no discount)
    const half = { discountPercent: '50', discountReason: 'Contract K-9: 50 %' };
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: [
        calls('dial_out', 'SE', 'c', '0.20', [600], {
          amount: '1.00', // 600 x 0.20 / 60 = 2.00, less 50 %
          parts: [
            { kind: 'usage', quantity: '600', unitCode: 'SEC', price: '0.20', baseQuantity: '60', ...half },
          ],
        }),
        calls('local_dial_in', 'SE', 'c', '0.12', [600]), // 1.20
      ],
      periodPricing: { includedMinutes: { minutes: '15' } },
    });
    // 900 s: local SE 600 s (-1.20), then 300 s of dial-out at 0.20 less 50 %:
    // 300 x 0.20 / 60 = 1.00, allowance 0.50: -0.50 (negative base amount and allowance)
    const included = d.lines.filter((l) => l.kind === 'included_minutes');
    expect(included.map((l) => [l.accessType, l.quantity, l.unitPrice, l.netAmount])).toEqual([
      ['local_dial_in', '-600', '0.12', '-1.20'],
      ['dial_out', '-300', '0.20', '-0.50'],
    ]);
    expect(included[1]!.allowance).toEqual({
      percent: '50',
      baseAmount: '-1.00',
      amount: '-0.50',
      reason: 'Contract K-9: 50 %',
    });
    expect(d.lines.every((l) => lineAddsUp(l))).toBe(true);
    // 1.00 + 1.20 - 1.20 - 0.50 = 0.50
    expect(d.totals.netTotal).toBe('0.50');
  });

  it('apply only to the access types the contract names', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { includedMinutes: { minutes: '100', accessTypes: ['local_dial_in', 'web'] } },
    });
    // local SE (0.09) before web (0.01): 6000 s x 0.09 / 60 = -9.00; net 26.95 - 9.00 = 17.95,
    // VAT 4.4875 -> 4.49
    expect(
      d.lines.filter((l) => l.kind === 'included_minutes').map((l) => [l.quantity, l.netAmount]),
    ).toEqual([['-6000', '-9.00']]);
    expect(d.totals).toMatchObject({ netTotal: '17.95', vatTotal: '4.49', grossTotal: '22.44' });
  });

  it('more included minutes than used credit exactly the usage lines, not the rounding of the calls', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { includedMinutes: { minutes: '10000' } },
    });
    // Every usage line is credited its own net (-13.55, -11.25, -1.54, -0.60); what is left is the
    // rounding line of the calls, +0.01 (VAT 0.0025 -> 0.00).
    const usage = d.lines.filter((l) => l.kind === 'usage');
    const included = d.lines.filter((l) => l.kind === 'included_minutes');
    expect(included.map((l) => l.netAmount).sort()).toEqual(usage.map((l) => `-${l.netAmount}`).sort());
    expect(d.totals).toMatchObject({ netTotal: '0.01', vatTotal: '0.00', grossTotal: '0.01' });
  });

  it('do not touch late charges of an earlier period', () => {
    const charges = [charge('local_dial_in', 'SE', 'c', '10', 1, '0.9', { servicePeriodKey: '2026-10' })];
    const d = buildInvoiceDraft({
      ...baseInput,
      charges,
      periodPricing: { includedMinutes: { minutes: '100' } },
    });
    expect(d.lines).toHaveLength(1);
    expect(d.totals.netTotal).toBe('0.90');
  });

  it('reduce the tiered minutes', () => {
    const charges = [
      charge('local_dial_in', 'SE', 'c1', '1200', 120, '6.00'),
      charge('web', undefined, 'c2', '300', 10, '0'),
    ];
    const d = buildInvoiceDraft({
      ...baseInput,
      charges,
      periodPricing: { includedMinutes: { minutes: '100' }, volumeTiers: { model: 'graduated', tiers } },
    });
    // included: local SE first (6.00/1200 = 0.005/min > web 0): 6000 s x 0.005 / 60 = -0.50
    // tiers on 90000 - 6000 = 84000 s (1400 min): 60000 s x 0.10 / 60 + 24000 s x 0.08 / 60 = 132.00
    // net 6.00 + 0.00 - 0.50 + 100.00 + 32.00 = 137.50; VAT 34.375 -> 34.38
    expect(d.lines.map((l) => [l.kind, l.quantity, l.netAmount])).toEqual([
      ['usage', '72000', '6.00'],
      ['usage', '18000', '0.00'],
      ['included_minutes', '-6000', '-0.50'],
      ['volume_tier', '60000', '100.00'],
      ['volume_tier', '24000', '32.00'],
    ]);
    expect(d.totals).toMatchObject({ netTotal: '137.50', vatTotal: '34.38', grossTotal: '171.88' });
  });
});

describe('minimum commitment', () => {
  it('tops the net up to the commitment', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { minimumCommitment: { amount: '500' } },
    });
    // usage 26.95 (with the rounding of the calls) < 500.00: top-up 473.05, quantity 1 at the amount;
    // net 500.00, VAT 125.00, gross 625.00
    const top = d.lines.at(-1)!;
    expect(top).toMatchObject({
      kind: 'minimum_commitment',
      quantity: '1',
      unitCode: 'C62',
      unitPrice: '473.05',
      netAmount: '473.05',
      vatRate: '25',
    });
    expect(lineAddsUp(top)).toBe(true);
    expect(top.description).toBe('Minimum commitment top-up (commitment 500.00 SEK, usage 26.95)');
    expect(d.totals).toMatchObject({ netTotal: '500.00', vatTotal: '125.00', grossTotal: '625.00' });
  });

  it('adds nothing when usage reaches it', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { minimumCommitment: { amount: '26.95' } },
    });
    expect(d.lines.some((l) => l.kind === 'minimum_commitment')).toBe(false);
  });

  it('counts usage after included minutes, and not late charges', () => {
    const late = charge('dial_out', 'US', 'z', '100', 1, '15', { servicePeriodKey: '2026-10' });
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: [...sampleCharges, late],
      periodPricing: { includedMinutes: { minutes: '200' }, minimumCommitment: { amount: '100' } },
    });
    // own net after included minutes 1.13 (see above): top-up 98.87; plus late 15.00: net 115.00, VAT 28.75
    expect(d.lines.find((l) => l.kind === 'minimum_commitment')!.netAmount).toBe('98.87');
    expect(d.totals).toMatchObject({ netTotal: '115.00', vatTotal: '28.75', grossTotal: '143.75' });
  });

  it('applies to an empty period', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: [],
      periodPricing: { minimumCommitment: { amount: '199.99' } },
    });
    expect(d.lines).toHaveLength(1);
    // 199.99 x 25% = 49.9975 -> 50.00
    expect(d.totals).toMatchObject({ netTotal: '199.99', vatTotal: '50.00', grossTotal: '249.99' });
  });
});
