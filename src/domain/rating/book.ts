/** Checks and compiles rule sets into a RuleBook (all or nothing). */
import { CompiledRuleSet } from './compiled-rule-set';
import { RuleBook } from './rule-book';
import { validateRuleSet } from './validate';
import type { RuleSetSource, RuleViolation } from './types';

export type BuildResult = { ok: true; book: RuleBook } | { ok: false; violations: RuleViolation[] };

export function buildRuleBook(sources: RuleSetSource[]): BuildResult {
  const violations: RuleViolation[] = [];
  const sets: CompiledRuleSet[] = [];
  // Each currency has its own timeline: two price lists of one currency may not start at the same moment.
  const byStart = new Map<string, RuleSetSource>();
  for (const src of sources) {
    const v = validateRuleSet(src);
    if (v.length) {
      violations.push(...v);
      continue;
    }
    try {
      const set = new CompiledRuleSet(src);
      const key = `${set.currency} ${set.effectiveFrom.getTime()}`;
      const other = byStart.get(key);
      if (other) {
        violations.push({
          file: src.files.ruleset,
          jsonPath: '$.effectiveFrom',
          reason: `same effectiveFrom and currency (${set.currency}) as ${other.files.ruleset}: which set prices a call would be ambiguous`,
        });
        continue;
      }
      byStart.set(key, src);
      sets.push(set);
    } catch (e) {
      violations.push({
        file: src.files.ruleset,
        jsonPath: '$',
        reason: `cannot compile: ${(e as Error).message}`,
      });
    }
  }
  if (sources.length === 0)
    violations.push({
      file: '.',
      jsonPath: '$',
      reason: 'no rule set found (a rule set is a directory with ruleset.json)',
    });
  return violations.length ? { ok: false, violations } : { ok: true, book: new RuleBook(sets) };
}
