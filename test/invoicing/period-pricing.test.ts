import { describe, expect, it } from 'vitest';
import {
  buildInvoiceDraft,
  priceTiers,
  validateTiers,
  type VolumeTier,
} from '../../src/domain/invoicing/index';
import { baseInput, charge, sampleCharges } from './fixtures';

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
      charge('local_dial_in', 'SE', 'c1', '1200', 120, '6.00'),
      charge('web', undefined, 'c2', '300', 10, '0'),
      charge('dial_out', 'US', 'c3', '10', 1, '1.50'),
    ];
    const rule = {
      model: 'graduated' as const,
      tiers,
      accessTypes: ['local_dial_in' as const, 'web' as const],
    };
    const g = buildInvoiceDraft({ ...baseInput, charges, periodPricing: { volumeTiers: rule } });
    // tiered minutes 1200 + 300 = 1500 (dial-out not in scope):
    // tier 1: 1000 x 0.10 = 100.00; tier 2: 500 x 0.08 = 40.00
    expect(
      g.lines
        .filter((l) => l.kind === 'volume_tier')
        .map((l) => [l.description, l.quantity, l.unitPrice, l.netAmount]),
    ).toEqual([
      ['Volume minutes, tier 1 (0–1000 min)', '1000', '0.1000', '100.00'],
      ['Volume minutes, tier 2 (1000–5000 min)', '500', '0.0800', '40.00'],
    ]);
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
    ).toEqual([['Volume minutes, volume tier 2 (1000–5000 min)', '1500', '120.00']]);
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
    // Per-minute prices: toll-free SE 0.25, dial-out US 0.15, local SE 0.09, web 0.01.
    //  toll-free SE: 45 min, all of it:       -11.25        (155 left)
    //  dial-out US:  10.25 min, all of it:    -1.5375 -> -1.54  (144.75 left)
    //  local SE:     144.75 of 150.5 min:     144.75 x 0.09 = 13.0275 -> -13.03
    //  web:          nothing left
    expect(
      d.lines
        .filter((l) => l.kind === 'included_minutes')
        .map((l) => [l.description, l.quantity, l.unitPrice, l.netAmount]),
    ).toEqual([
      ['Included minutes: Dial-in, toll-free number, zone SE', '-45', '0.2500', '-11.25'],
      ['Included minutes: Dial-out, zone US', '-10.25', '0.1500', '-1.54'],
      ['Included minutes: Dial-in, local number, zone SE', '-144.75', '0.0900', '-13.03'],
    ]);
    // net 26.94 - 11.25 - 1.54 - 13.03 = 1.12 (= 5.75 local min x 0.09 + 0.60 web, 1.1175, within a cent)
    // VAT 0.28, gross 1.40
    expect(d.totals).toMatchObject({ netTotal: '1.12', vatTotal: '0.28', grossTotal: '1.40' });
  });

  it('apply only to the access types the contract names', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { includedMinutes: { minutes: '100', accessTypes: ['local_dial_in', 'web'] } },
    });
    // local SE (0.09) before web (0.01): 100 min x 0.09 = -9.00; net 26.94 - 9.00 = 17.94, VAT 4.485 -> 4.49
    expect(
      d.lines.filter((l) => l.kind === 'included_minutes').map((l) => [l.quantity, l.netAmount]),
    ).toEqual([['-100', '-9.00']]);
    expect(d.totals).toMatchObject({ netTotal: '17.94', vatTotal: '4.49', grossTotal: '22.43' });
  });

  it('more included minutes than used credit exactly the usage', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { includedMinutes: { minutes: '10000' } },
    });
    expect(d.totals).toMatchObject({ netTotal: '0.00', vatTotal: '0.00', grossTotal: '0.00' });
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
    // included: local SE first (6.00/1200 = 0.005/min > web 0): 100 x 0.005 = -0.50
    // tiers on 1500 - 100 = 1400 min: 1000 x 0.10 + 400 x 0.08 = 132.00
    // net 6.00 + 0.00 - 0.50 + 100.00 + 32.00 = 137.50; VAT 34.375 -> 34.38
    expect(d.lines.map((l) => [l.kind, l.quantity, l.netAmount])).toEqual([
      ['usage', '1200', '6.00'],
      ['usage', '300', '0.00'],
      ['included_minutes', '-100', '-0.50'],
      ['volume_tier', '1000', '100.00'],
      ['volume_tier', '400', '32.00'],
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
    // usage 26.94 < 500.00: top-up 473.06; net 500.00, VAT 125.00, gross 625.00
    const top = d.lines.at(-1)!;
    expect(top).toMatchObject({
      kind: 'minimum_commitment',
      quantity: '1',
      unitCode: 'C62',
      unitPrice: '473.0600',
      netAmount: '473.06',
      vatRate: '25',
    });
    expect(top.description).toBe('Minimum commitment top-up (commitment 500.00 SEK, usage 26.94)');
    expect(d.totals).toMatchObject({ netTotal: '500.00', vatTotal: '125.00', grossTotal: '625.00' });
  });

  it('adds nothing when usage reaches it', () => {
    const d = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges,
      periodPricing: { minimumCommitment: { amount: '26.94' } },
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
    // own net after included minutes 1.12 (see above): top-up 98.88; plus late 15.00: net 115.00, VAT 28.75
    expect(d.lines.find((l) => l.kind === 'minimum_commitment')!.netAmount).toBe('98.88');
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
