/**
 * A mistake in ruleset.json's `periodPricing` section is refused like one in the rules: with the
 * file, the JSON path and the reason, all at once (see period-pricing.test.ts for what it prices).
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadRuleBook } from '../../src/rules-files/load';
import { rulesCheck } from '../../src/cli/rules-commands';
import { validateRuleSet } from '../../src/domain/rating/validate';
import { fixtureSource } from './fixture';
import { editRuleSet, item, plan, plansOf, section, tier, type Loose } from './period-pricing-docs';

const SET = 'standard-2026';
const FILE = `${SET}/ruleset.json`;
const VOL = '$.periodPricing.plans["volume-2026"]';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'period-pricing-'));
  await cp('rules', dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const edit = (set: string, f: (doc: Loose) => void) => editRuleSet(dir, set, f);

describe('a mistake in periodPricing is refused with file, JSON path and reason', () => {
  const cases: { name: string; change: (pp: Loose) => void; jsonPath: string; reason: string | RegExp }[] = [
    {
      name: 'a non-decimal price',
      change: (pp) => (tier(pp, 0).unitPrice = '0,10'),
      jsonPath: `${VOL}.volumeTiers.tiers[0].unitPrice`,
      reason: '"0,10": must match pattern "^\\d{1,30}(\\.\\d{1,20})?$"',
    },
    {
      name: 'a JSON number instead of a decimal string',
      change: (pp) => (item(pp, 'minimumCommitment').amount = 100),
      jsonPath: `${VOL}.minimumCommitment.amount`,
      reason: '100: must be string',
    },
    {
      name: 'a negative amount',
      change: (pp) => (item(pp, 'minimumCommitment').amount = '-100.00'),
      jsonPath: `${VOL}.minimumCommitment.amount`,
      reason: '"-100.00": must match pattern "^\\d{1,30}(\\.\\d{1,20})?$"',
    },
    {
      name: 'tiers not ascending',
      change: (pp) => (tier(pp, 1).upTo = '1000'),
      jsonPath: `${VOL}.volumeTiers.tiers[1].upTo`,
      reason:
        "tiers must ascend: tier 1 upTo must be above 1000 (the previous tier's upTo; upTo is inclusive)",
    },
    {
      name: 'a last tier with an upper bound',
      change: (pp) => (tier(pp, 2).upTo = '50000'),
      jsonPath: `${VOL}.volumeTiers.tiers[2].upTo`,
      reason: 'the last tier must have "upTo": null (no upper bound), got "50000"',
    },
    {
      name: 'an open tier before the last',
      change: (pp) => (tier(pp, 1).upTo = null),
      jsonPath: `${VOL}.volumeTiers.tiers[1].upTo`,
      reason: 'only the last tier may have "upTo": null; tier 1 of 3 has it',
    },
    {
      name: 'a tier without upTo',
      change: (pp) => delete tier(pp, 2).upTo,
      jsonPath: `${VOL}.volumeTiers.tiers[2].upTo`,
      reason: 'missing required property "upTo"',
    },
    {
      name: 'an unknown access type',
      change: (pp) => ((item(pp, 'volumeTiers').accessTypes as unknown[])[1] = 'tollfree_dial_in'),
      jsonPath: `${VOL}.volumeTiers.accessTypes[1]`,
      reason:
        'not allowed: "tollfree_dial_in" (did you mean "toll_free_dial_in"?); allowed: local_dial_in, toll_free_dial_in, dial_out, web',
    },
    {
      name: 'an empty access type list',
      change: (pp) => (item(pp, 'volumeTiers').accessTypes = []),
      jsonPath: `${VOL}.volumeTiers.accessTypes`,
      reason: 'must NOT have fewer than 1 items',
    },
    {
      name: 'an unknown model',
      change: (pp) => (item(pp, 'volumeTiers').model = 'graduate'),
      jsonPath: `${VOL}.volumeTiers.model`,
      reason: 'not allowed: "graduate" (did you mean "graduated"?); allowed: graduated, volume',
    },
    {
      name: 'a misspelt item of a plan',
      change: (pp) => {
        plan(pp).volumeTier = plan(pp).volumeTiers;
        delete plan(pp).volumeTiers;
      },
      jsonPath: `${VOL}.volumeTier`,
      reason: 'unknown property "volumeTier" (did you mean "volumeTiers"?)',
    },
    {
      name: 'a misspelt key inside an item',
      change: (pp) => (item(pp, 'minimumCommitment').vatrate = '25'),
      jsonPath: `${VOL}.minimumCommitment.vatrate`,
      reason: 'unknown property "vatrate" (did you mean "vatRate"?)',
    },
    {
      name: 'a misspelt key of the section',
      change: (pp) => (pp.plan = pp.plans),
      jsonPath: '$.periodPricing.plan',
      reason: 'unknown property "plan" (did you mean "plans"?)',
    },
    {
      name: 'an empty plans object',
      change: (pp) => (pp.plans = {}),
      jsonPath: '$.periodPricing.plans',
      reason: 'must NOT have fewer than 1 properties',
    },
    {
      name: 'a plan name with a stray space',
      change: (pp) => (plansOf(pp)['volume-2026 '] = plan(pp)),
      jsonPath: '$.periodPricing.plans["volume-2026 "]',
      reason: /^bad name "volume-2026 ": must match pattern/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      await edit(SET, (d) => c.change(section(d)));
      const r = await loadRuleBook(dir);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.violations).toEqual([
        {
          file: FILE,
          jsonPath: c.jsonPath,
          reason: typeof c.reason === 'string' ? c.reason : (expect.stringMatching(c.reason) as string),
        },
      ]);
    });
  }

  it('`rules check` prints it as file: path: reason and exits 1', async () => {
    await edit(SET, (d) => (tier(section(d), 1).upTo = '999'));
    const err: string[] = [];
    expect(
      await rulesCheck(
        dir,
        () => {},
        (s) => err.push(s),
      ),
    ).toBe(1);
    expect(err[0]).toBe(
      `${FILE}: ${VOL}.volumeTiers.tiers[1].upTo: tiers must ascend: tier 1 upTo must be above 1000 (the previous tier's upTo; upTo is inclusive)`,
    );
  });

  it('the domain check alone (without the JSON Schema) finds them too, all at once', () => {
    const src = fixtureSource();
    (src.ruleset as { periodPricing?: unknown }).periodPricing = {
      description: 3,
      plans: {
        gold: {
          includedMinutes: { minutes: '-5', accessTypes: ['local_dial_in', 'local_dial_in', 'voip'] },
          volumeTiers: {
            model: 'volume',
            vatRate: '125',
            tiers: [
              { upTo: '10', unitPrice: '0.1' },
              { upTo: '5', unitPrice: '1e-2' },
              { upTo: null, unitPrice: '0.01', fee: '1' },
            ],
          },
          minimumCommitment: { amount: 100 },
          discount: {},
        },
        silver: {
          volumeTiers: {
            model: 'graduated',
            tiers: [
              { upTo: '10', unitPrice: '0.1' },
              { upTo: '5', unitPrice: '0.2' },
              { upTo: null, unitPrice: '0.01' },
            ],
          },
        },
        bronze: { volumeTiers: { model: 'graduated', tiers: [] } },
        ' ': 'none',
      },
    };
    const got = validateRuleSet(src).map((v) => `${v.file}: ${v.jsonPath}: ${v.reason}`);
    expect(got).toEqual([
      'fx/ruleset.json: $.periodPricing.description: description must be text, got 3',
      'fx/ruleset.json: $.periodPricing.plans.gold.discount: unknown property "discount"; allowed: includedMinutes, volumeTiers, minimumCommitment',
      'fx/ruleset.json: $.periodPricing.plans.gold.includedMinutes.minutes: minutes must not be negative, got "-5"',
      'fx/ruleset.json: $.periodPricing.plans.gold.includedMinutes.accessTypes[1]: access type "local_dial_in" is listed twice',
      'fx/ruleset.json: $.periodPricing.plans.gold.includedMinutes.accessTypes[2]: unknown access type "voip"; use local_dial_in, toll_free_dial_in, dial_out, web',
      'fx/ruleset.json: $.periodPricing.plans.gold.volumeTiers.vatRate: vatRate must be at most 100, got "125"',
      'fx/ruleset.json: $.periodPricing.plans.gold.volumeTiers.tiers[1].unitPrice: unitPrice must be a decimal string like "0.25", got "1e-2"',
      'fx/ruleset.json: $.periodPricing.plans.gold.volumeTiers.tiers[2].fee: unknown property "fee"; allowed: upTo, unitPrice, flatFee',
      'fx/ruleset.json: $.periodPricing.plans.gold.minimumCommitment.amount: amount must be a decimal string like "0.25", got 100',
      "fx/ruleset.json: $.periodPricing.plans.silver.volumeTiers.tiers[1].upTo: tiers must ascend: tier 1 upTo must be above 10 (the previous tier's upTo; upTo is inclusive)",
      'fx/ruleset.json: $.periodPricing.plans.bronze.volumeTiers.tiers: at least one tier is required (the last one with "upTo": null)',
      'fx/ruleset.json: $.periodPricing.plans[" "]: bad plan name " ": a contract price plan, or "*", without leading or trailing spaces',
      'fx/ruleset.json: $.periodPricing.plans[" "]: plan " " must be an object, got "none"',
    ]);
    (src.ruleset as { periodPricing?: unknown }).periodPricing = { plans: {} };
    expect(validateRuleSet(src)).toEqual([
      {
        file: 'fx/ruleset.json',
        jsonPath: '$.periodPricing.plans',
        reason: 'no plans: add a price plan (or "*" for every customer) or remove periodPricing',
      },
    ]);
    (src.ruleset as { periodPricing?: unknown }).periodPricing = {
      plans: { '*': { minimumCommitment: { amount: '10' } } },
    };
    expect(validateRuleSet(src)).toEqual([]);
  });
});
