/** Checks of the `periodPricing` section of ruleset.json (tiers, included minutes, commitments). */
import { isDecimalText, parseAmount } from '../money';
import { ACCESS_TYPES } from '../cdr';
import { tierProblem, type VolumeTier } from '../invoicing/tiers';
import { closest } from './facts';
import type { RuleViolation } from './types';

const TIER_MODELS = ['graduated', 'volume'] as const;

/** A property step of a JSON path, written as src/rules-files writes schema errors (so they can be matched). */
function prop(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * The `periodPricing` section of ruleset.json (see PeriodPricingFileJson): every problem with its path.
 * Robust against any JSON (it also runs on files that broke the schema).
 */
export function checkPeriodPricing(file: string, section: unknown): RuleViolation[] {
  const v: RuleViolation[] = [];
  if (section === undefined) return v;
  const err = (jsonPath: string, reason: string) => void v.push({ file, jsonPath, reason });
  const root = '$.periodPricing';

  /** Unknown keys of an object; false when `o` is not an object at all. */
  const shape = (
    o: unknown,
    p: string,
    what: string,
    allowed: readonly string[],
  ): o is Record<string, unknown> => {
    if (!isObject(o)) return (err(p, `${what} must be an object, got ${JSON.stringify(o)}`), false);
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const hint = closest(k, allowed);
      err(
        `${p}${prop(k)}`,
        `unknown property ${JSON.stringify(k)}${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${allowed.join(', ')}`,
      );
    }
    return true;
  };
  const dec = (
    p: string,
    x: unknown,
    what: string,
    opts: { required?: boolean; max?: string } = {},
  ): boolean => {
    if (x === undefined) return opts.required ? (err(p, `${what} is required`), false) : true;
    if (typeof x !== 'string' || !isDecimalText(x))
      return (err(p, `${what} must be a decimal string like "0.25", got ${JSON.stringify(x)}`), false);
    const d = parseAmount(x);
    if (d.isNegative()) return (err(p, `${what} must not be negative, got ${JSON.stringify(x)}`), false);
    if (opts.max !== undefined && d.greaterThan(opts.max))
      return (err(p, `${what} must be at most ${opts.max}, got ${JSON.stringify(x)}`), false);
    return true;
  };
  const text = (p: string, x: unknown, what: string) => {
    if (x !== undefined && typeof x !== 'string') err(p, `${what} must be text, got ${JSON.stringify(x)}`);
  };
  const accessTypes = (p: string, x: unknown) => {
    if (x === undefined) return;
    if (!Array.isArray(x) || x.length === 0) {
      return err(
        p,
        `accessTypes must be a non-empty list of ${ACCESS_TYPES.join(', ')} (leave it out for all access types), got ${JSON.stringify(x)}`,
      );
    }
    const seen = new Set<unknown>();
    x.forEach((a, i) => {
      if (!(ACCESS_TYPES as readonly unknown[]).includes(a)) {
        const hint = typeof a === 'string' ? closest(a, ACCESS_TYPES) : undefined;
        err(
          `${p}[${i}]`,
          `unknown access type ${JSON.stringify(a)}${hint ? ` (did you mean "${hint}"?)` : ''}; use ${ACCESS_TYPES.join(', ')}`,
        );
      } else if (seen.has(a)) err(`${p}[${i}]`, `access type ${JSON.stringify(a)} is listed twice`);
      seen.add(a);
    });
  };

  if (!shape(section, root, 'periodPricing', ['description', 'plans'])) return v;
  text(`${root}.description`, section.description, 'description');
  const plans = section.plans;
  if (plans === undefined)
    return (
      err(
        `${root}.plans`,
        'missing "plans": price plan -> its period pricing ("*" for every other customer)',
      ),
      v
    );
  if (!isObject(plans))
    return (
      err(
        `${root}.plans`,
        `plans must be an object of price plan -> period pricing, got ${JSON.stringify(plans)}`,
      ),
      v
    );
  if (Object.keys(plans).length === 0)
    err(`${root}.plans`, 'no plans: add a price plan (or "*" for every customer) or remove periodPricing');

  for (const [plan, rules] of Object.entries(plans)) {
    const pp = `${root}.plans${prop(plan)}`;
    if (!/^\S(.*\S)?$/.test(plan))
      err(
        pp,
        `bad plan name ${JSON.stringify(plan)}: a contract price plan, or "*", without leading or trailing spaces`,
      );
    if (
      !shape(rules, pp, `plan ${JSON.stringify(plan)}`, [
        'includedMinutes',
        'volumeTiers',
        'minimumCommitment',
      ])
    )
      continue;

    const im = rules.includedMinutes;
    if (
      im !== undefined &&
      shape(im, `${pp}.includedMinutes`, 'includedMinutes', ['minutes', 'accessTypes'])
    ) {
      dec(`${pp}.includedMinutes.minutes`, im.minutes, 'minutes', { required: true });
      accessTypes(`${pp}.includedMinutes.accessTypes`, im.accessTypes);
    }

    const vt = rules.volumeTiers;
    if (
      vt !== undefined &&
      shape(vt, `${pp}.volumeTiers`, 'volumeTiers', [
        'model',
        'tiers',
        'accessTypes',
        'description',
        'vatRate',
      ])
    ) {
      const tp = `${pp}.volumeTiers`;
      if (vt.model === undefined) err(`${tp}.model`, `model is required: ${TIER_MODELS.join(' or ')}`);
      else if (!(TIER_MODELS as readonly unknown[]).includes(vt.model)) {
        const hint = typeof vt.model === 'string' ? closest(vt.model, TIER_MODELS) : undefined;
        err(
          `${tp}.model`,
          `unknown tier model ${JSON.stringify(vt.model)}${hint ? ` (did you mean "${hint}"?)` : ''}; use ${TIER_MODELS.join(' or ')}`,
        );
      }
      accessTypes(`${tp}.accessTypes`, vt.accessTypes);
      text(`${tp}.description`, vt.description, 'description');
      dec(`${tp}.vatRate`, vt.vatRate, 'vatRate', { max: '100' });
      checkTiers(`${tp}.tiers`, vt.tiers, { err, shape, dec });
    }

    const mc = rules.minimumCommitment;
    if (
      mc !== undefined &&
      shape(mc, `${pp}.minimumCommitment`, 'minimumCommitment', ['amount', 'vatRate', 'description'])
    ) {
      dec(`${pp}.minimumCommitment.amount`, mc.amount, 'amount', { required: true });
      dec(`${pp}.minimumCommitment.vatRate`, mc.vatRate, 'vatRate', { max: '100' });
      text(`${pp}.minimumCommitment.description`, mc.description, 'description');
    }
  }
  return v;
}

function checkTiers(
  p: string,
  tiers: unknown,
  x: {
    err: (p: string, reason: string) => void;
    shape: (o: unknown, p: string, what: string, allowed: readonly string[]) => o is Record<string, unknown>;
    dec: (p: string, x: unknown, what: string, opts?: { required?: boolean }) => boolean;
  },
): void {
  if (tiers === undefined)
    return x.err(
      p,
      'tiers are required: a list of { "upTo", "unitPrice", "flatFee"? }, the last with "upTo": null',
    );
  if (!Array.isArray(tiers)) return x.err(p, `tiers must be a list, got ${JSON.stringify(tiers)}`);
  if (tiers.length === 0) return x.err(p, 'at least one tier is required (the last one with "upTo": null)');
  let wellFormed = true;
  tiers.forEach((t, i) => {
    const tp = `${p}[${i}]`;
    if (!x.shape(t, tp, 'a tier', ['upTo', 'unitPrice', 'flatFee'])) return void (wellFormed = false);
    if (!('upTo' in t))
      wellFormed =
        (x.err(
          `${tp}.upTo`,
          'upTo is required: the inclusive upper bound in minutes, null for the last tier',
        ),
        false);
    else if (t.upTo !== null && !x.dec(`${tp}.upTo`, t.upTo, 'upTo')) wellFormed = false;
    if (!x.dec(`${tp}.unitPrice`, t.unitPrice, 'unitPrice', { required: true })) wellFormed = false;
    if (!x.dec(`${tp}.flatFee`, t.flatFee, 'flatFee')) wellFormed = false;
  });
  if (!wellFormed) return;
  // the order and the open last tier: the invoicing domain's own check, placed at its path
  const list = tiers as VolumeTier[];
  const problem = tierProblem(list);
  if (!problem) return;
  if (problem.field === 'upTo' && /upTo null/.test(problem.reason) && problem.tier !== undefined) {
    const last = problem.tier === list.length - 1;
    x.err(
      `${p}[${problem.tier}].upTo`,
      last
        ? `the last tier must have "upTo": null (no upper bound), got ${JSON.stringify(list[problem.tier]!.upTo)}`
        : `only the last tier may have "upTo": null; tier ${problem.tier} of ${list.length} has it`,
    );
  } else if (problem.field && problem.tier !== undefined) {
    x.err(
      `${p}[${problem.tier}].${problem.field}`,
      problem.field === 'upTo'
        ? `tiers must ascend: ${problem.reason} (the previous tier's upTo; upTo is inclusive)`
        : problem.reason,
    );
  } else x.err(p, problem.reason);
}
