/**
 * Period pricing (volume tiers, minimum commitment, included minutes) from ruleset.json's
 * `periodPricing` section: checked like the rules, compiled per price plan with a "*" fallback, and
 * taken from the rule set in force at the period's start.
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadRuleBook } from '../../src/rules-files/load';
import type { RuleSetFileJson } from '../../src/domain/rating/index';
import { RatingRuntime } from '../../src/app/rating/rating-runtime';
import type { RuleSetSnapshot } from '../../src/app/rating/ports';
import { ruleDirectory } from '../../src/rules-files/rule-directory';
import type { RuleBook } from '../../src/domain/rating/rule-book';
import { priceTiers } from '../../src/domain/invoicing/tiers';
import { periodPricingLines } from '../../src/domain/invoicing/period-pricing';
import { lineAddsUp } from '../../src/domain/invoicing/line-price';
import type { ChargeSummary } from '../../src/domain/invoicing/types';
import { cdr } from './fixture';
import { editRuleSet, item, plansOf, section, type Loose } from './period-pricing-docs';

const SET = 'standard-2026';
const FILE = `${SET}/ruleset.json`;

/** The example plan in rules/standard-2026/ruleset.json, written out by hand. */
const VOLUME_2026 = {
  volumeTiers: {
    model: 'graduated',
    accessTypes: ['local_dial_in', 'toll_free_dial_in'],
    description: 'Dial-in minutes',
    tiers: [
      { upTo: '1000', unitPrice: '0.10' },
      { upTo: '10000', unitPrice: '0.08', flatFee: '5.00' },
      { upTo: null, unitPrice: '0.05' },
    ],
  },
  minimumCommitment: { amount: '100.00' },
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'period-pricing-'));
  await cp('rules', dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const edit = (set: string, f: (doc: Loose) => void) => editRuleSet(dir, set, f);

async function book(from: string): Promise<RuleBook> {
  const r = await loadRuleBook(from);
  if (!r.ok) throw new Error(r.violations.map((v) => `${v.file}: ${v.jsonPath}: ${v.reason}`).join('\n'));
  return r.book;
}

const at = (iso: string) => new Date(iso);

describe('the shipped rules', () => {
  it('give a volume-2026 customer the example plan from standard-2026', async () => {
    const b = await book('rules');
    const set2026 = b.sets.find((s) => s.name === SET)!;
    expect(b.periodPricingAt(at('2026-03-01T00:00:00+01:00'), 'volume-2026')).toEqual({
      rules: VOLUME_2026,
      ruleSetHash: set2026.hash,
      ruleSetName: 'standard-2026',
      ruleSetVersion: '2026.1',
      plan: 'volume-2026',
    });
    expect(set2026.periodPricingFor('volume-2026')).toEqual(VOLUME_2026);
  });

  it('have no "*" entry: every other customer keeps the contract-only period pricing', async () => {
    const b = await book('rules');
    for (const plan of [undefined, '', 'enterprise', 'Volume-2026']) {
      expect(b.periodPricingAt(at('2026-03-01T00:00:00+01:00'), plan)).toBeUndefined();
    }
  });

  it('have no period pricing in standard-2025: a period starting on 31 December 2025 gets none', async () => {
    const b = await book('rules');
    expect(b.periodPricingAt(at('2025-12-01T00:00:00+01:00'), 'volume-2026')).toBeUndefined();
    expect(b.periodPricingAt(at('2025-12-31T23:59:59.999+01:00'), 'volume-2026')).toBeUndefined();
    expect(b.periodPricingAt(at('2026-01-01T00:00:00+01:00'), 'volume-2026')?.ruleSetVersion).toBe('2026.1');
  });

  it('return fresh copies: a caller cannot change the compiled set', async () => {
    const b = await book('rules');
    const first = b.periodPricingAt(at('2026-03-01T00:00:00+01:00'), 'volume-2026')!;
    first.rules.volumeTiers!.tiers[0]!.unitPrice = '9.99';
    first.rules.volumeTiers!.tiers.push({ upTo: null, unitPrice: '1' });
    delete first.rules.minimumCommitment;
    expect(b.periodPricingAt(at('2026-03-01T00:00:00+01:00'), 'volume-2026')!.rules).toEqual(VOLUME_2026);
    const direct = b.sets.find((s) => s.name === SET)!.periodPricingFor('volume-2026')!;
    direct.minimumCommitment!.amount = '0';
    expect(b.sets.find((s) => s.name === SET)!.periodPricingFor('volume-2026')).toEqual(VOLUME_2026);
  });

  it('price the example tiers as worked out by hand', async () => {
    const { volumeTiers } = (await book('rules')).periodPricingAt(
      at('2026-03-01T00:00:00+01:00'),
      'volume-2026',
    )!.rules;
    const tiers = volumeTiers!.tiers;
    // graduated, 1,500 min: 1000 x 0.10 = 100 + 500 x 0.08 = 40 + tier-2 flat fee 5.00 = 145
    const g1500 = priceTiers('1500', tiers, 'graduated');
    expect(g1500.amount).toBe('145');
    expect(g1500.tiers.map((t) => [t.tierIndex, t.quantity, t.amount])).toEqual([
      [0, '1000', '100'],
      [1, '500', '45'],
    ]);
    // graduated, 12,000 min: 100 + 9000 x 0.08 = 720 + 5 + 2000 x 0.05 = 100 -> 925
    const g12000 = priceTiers('12000', tiers, 'graduated');
    expect(g12000.amount).toBe('925');
    expect(g12000.tiers.map((t) => [t.tierIndex, t.quantity, t.amount])).toEqual([
      [0, '1000', '100'],
      [1, '9000', '725'],
      [2, '2000', '100'],
    ]);
    // the same minutes under the volume model: 1500 x 0.08 + 5 = 125; 12000 x 0.05 = 600
    expect(priceTiers('1500', tiers, 'volume').amount).toBe('125');
    expect(priceTiers('12000', tiers, 'volume').amount).toBe('600');
  });

  it('pass straight into the invoicing domain', async () => {
    const { rules } = (await book('rules')).periodPricingAt(at('2026-03-01T00:00:00+01:00'), 'volume-2026')!;
    // 1,500 dial-in minutes rated at 0 (the zero-rate rule), 30 dial-out minutes at 0.12 = 3.60 (not tiered)
    const summary = (
      accessType: 'local_dial_in' | 'toll_free_dial_in' | 'dial_out',
      zone: string | undefined,
      seconds: number,
      calls: number,
      price: string,
      amount: string,
    ): ChargeSummary => ({
      accessType,
      ...(zone !== undefined ? { zone } : {}),
      conferenceId: 'c1',
      seconds: String(seconds),
      calls,
      amount,
      currency: 'EUR',
      parts: [{ kind: 'usage', quantity: String(seconds), unitCode: 'SEC', price, baseQuantity: '60' }],
    });
    const charges = [
      summary('local_dial_in', undefined, 54000, 10, '0.00', '0.00'),
      summary('toll_free_dial_in', 'SE', 36000, 5, '0.00', '0.00'),
      summary('dial_out', 'SE', 1800, 1, '0.12', '3.60'),
    ];
    const r = periodPricingLines(charges, rules, { currency: 'EUR', defaultVatRate: '25', netSoFar: '3.60' });
    expect(r.tieredMinutes).toBe('1500');
    // in seconds at the per-minute tier prices: 60000 s x 0.10 / 60 = 100.00, 30000 s x 0.08 / 60 = 40.00,
    // and tier 2's flat fee 5.00 as a line of its own (quantity 1)
    expect(
      r.lines.map((l) => [l.kind, l.quantity, l.unitCode, l.unitPrice, l.baseQuantity, l.netAmount]),
    ).toEqual([
      ['volume_tier', '60000', 'SEC', '0.1', '60', '100.00'],
      ['volume_tier', '30000', 'SEC', '0.08', '60', '40.00'],
      ['volume_tier', '1', 'C62', '5.00', undefined, '5.00'],
    ]); // 3.60 + 145 >= 100: no top-up
    expect(r.lines.every((l) => lineAddsUp(l))).toBe(true);
    const small = periodPricingLines([summary('local_dial_in', undefined, 6000, 10, '0.00', '0.00')], rules, {
      currency: 'EUR',
      defaultVatRate: '25',
      netSoFar: '0',
    });
    // 6000 s (100 min) x 0.10 / 60 = 10.00; commitment 100.00 -> top-up 90.00
    expect(small.lines.map((l) => [l.kind, l.netAmount])).toEqual([
      ['volume_tier', '10.00'],
      ['minimum_commitment', '90.00'],
    ]);
  });

  it('price a volume-2026 dial-in call at 0, and the same call for others at the list price', async () => {
    const b = await book('rules');
    const call = cdr({
      accessType: 'toll_free_dial_in',
      customerAccount: 'C-VOL',
      callerNumber: '+46812345678',
      start: '2026-03-11T10:00:00+01:00',
      seconds: 600,
      features: ['recording'],
    });
    const vol = b.rate(call, { customerAccount: 'C-VOL', contract: { id: 'K', pricePlan: 'volume-2026' } });
    // 0 per minute on vol_dial_in + recording surcharge 0.25 (surcharges still apply)
    expect(vol).toMatchObject({ rated: true, amount: '0.25' });
    expect(vol.rated && vol.firedRules[0]).toBe('volume-2026 dial-in on tiers');
    // list: toll-free from SE peak 600 s x 0.03/60 = 0.30 + 0.25
    expect(b.rate(call, { customerAccount: 'C-X' })).toMatchObject({ rated: true, amount: '0.55' });
  });
});

describe('the "*" fallback and the set in force', () => {
  it('"*" prices every plan without its own entry, and no plan at all', async () => {
    await edit(
      SET,
      (d) =>
        (plansOf(section(d))['*'] = {
          minimumCommitment: { amount: '10.00', description: 'Monthly minimum' },
        }),
    );
    const b = await book(dir);
    const t = at('2026-05-01T00:00:00+02:00');
    for (const plan of [undefined, '', 'enterprise', 'Volume-2026']) {
      expect(b.periodPricingAt(t, plan)).toMatchObject({
        plan: '*',
        rules: { minimumCommitment: { amount: '10.00', description: 'Monthly minimum' } },
      });
    }
    expect(b.periodPricingAt(t, 'volume-2026')).toMatchObject({ plan: 'volume-2026', rules: VOLUME_2026 });
  });

  it('an empty plan opts that plan out of "*"', async () => {
    await edit(SET, (d) => {
      plansOf(section(d))['*'] = { minimumCommitment: { amount: '10.00' } };
      plansOf(section(d)).enterprise = {};
    });
    const b = await book(dir);
    expect(b.periodPricingAt(at('2026-05-01T00:00:00+02:00'), 'enterprise')).toMatchObject({
      plan: 'enterprise',
      rules: {},
    });
  });

  it('takes the section of the rule set in force at the instant', async () => {
    await edit(
      'standard-2025',
      (d) => (d.periodPricing = { plans: { '*': { minimumCommitment: { amount: '50.00' } } } }),
    );
    await edit(SET, (d) => (plansOf(section(d))['*'] = { minimumCommitment: { amount: '10.00' } }));
    const b = await book(dir);
    const [s2025, s2026] = b.sets;
    expect(b.periodPricingAt(at('2024-12-01T00:00:00+01:00'), 'x')).toBeUndefined(); // before any set
    const dec = b.periodPricingAt(at('2025-12-01T00:00:00+01:00'), 'x');
    expect(dec).toEqual({
      rules: { minimumCommitment: { amount: '50.00' } },
      plan: '*',
      ruleSetHash: s2025!.hash,
      ruleSetName: 'standard-2025',
      ruleSetVersion: '2025.1',
    });
    // the last instant of 2025 is still priced by standard-2025, the first of 2026 by standard-2026
    expect(b.periodPricingAt(at('2025-12-31T23:59:59.999+01:00'), 'x')?.rules.minimumCommitment?.amount).toBe(
      '50.00',
    );
    const jan = b.periodPricingAt(at('2026-01-01T00:00:00+01:00'), 'x');
    expect(jan).toMatchObject({
      rules: { minimumCommitment: { amount: '10.00' } },
      plan: '*',
      ruleSetHash: s2026!.hash,
      ruleSetVersion: '2026.1',
    });
    // volume-2026 did not exist in 2025: the 2025 "*" applies to it there
    expect(b.periodPricingAt(at('2025-12-01T00:00:00+01:00'), 'volume-2026')?.plan).toBe('*');
  });
});

describe('versioned and archived with the rule set', () => {
  it('is part of the content hash and of the archived snapshot', async () => {
    const before = (await book(dir)).sets.find((s) => s.name === SET)!.hash;
    await edit(SET, (d) => (item(section(d), 'minimumCommitment').amount = '120.00'));
    const saved: RuleSetSnapshot[] = [];
    const live = new RatingRuntime(
      ruleDirectory(dir),
      { save: (sets) => Promise.resolve(void saved.push(...sets)) },
      { info() {}, error() {} },
    );
    expect(await live.reload()).toBe(true);
    const snap = saved.find((s) => s.name === SET)!;
    expect(snap.hash).not.toBe(before);
    const ruleset = JSON.parse(snap.files.find((f) => f.path === FILE)!.content) as RuleSetFileJson;
    expect(ruleset.periodPricing?.plans['volume-2026']).toEqual({
      ...VOLUME_2026,
      minimumCommitment: { amount: '120.00' },
    });
    expect(live.current!.book.periodPricingAt(at('2026-02-01T00:00:00+01:00'), 'volume-2026')).toMatchObject({
      ruleSetHash: snap.hash,
      rules: { minimumCommitment: { amount: '120.00' } },
    });
  });
});
