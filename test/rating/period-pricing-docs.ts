/** Editing the `periodPricing` section of a rule set copy, for the period-pricing tests. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * A JSON object as these tests edit it: loosely typed, because many edits write what the file's
 * type forbids, on purpose (it is what the checks must refuse).
 */
export type Loose = Record<string, unknown>;
export const section = (d: Loose) => d.periodPricing as Loose;
export const plansOf = (pp: Loose) => pp.plans as Record<string, Loose>;
/** The example plan "volume-2026" of rules/standard-2026. */
export const plan = (pp: Loose) => plansOf(pp)['volume-2026']!;
export const item = (pp: Loose, name: 'volumeTiers' | 'minimumCommitment') => plan(pp)[name] as Loose;
export const tier = (pp: Loose, i: number) => (item(pp, 'volumeTiers').tiers as Loose[])[i]!;

/** Edits `<rulesDir>/<set>/ruleset.json` in place. */
export async function editRuleSet(rulesDir: string, set: string, f: (doc: Loose) => void): Promise<void> {
  const p = path.join(rulesDir, set, 'ruleset.json');
  const doc = JSON.parse(await readFile(p, 'utf8')) as Loose;
  f(doc);
  await writeFile(p, JSON.stringify(doc, null, 2));
}
