/**
 * A candidate rule set sent by finance, checked exactly as live reload would check it, from the
 * files in hand: the same rule-set discovery as findRuleSetDirs, the same checks, nothing written.
 */
import path from 'node:path';
import type { CandidateFile, CandidateRuleFiles, RuleBookLoad } from '../app/rating/ports';
import { ValidationError } from '../domain/errors';
import { RULE_SET_PARTS } from '../domain/rating/types';
import { mayHoldRuleSet, parseRuleSetFiles, ruleBookOf, type RuleSetTexts } from './rule-set-files';

/** The files by normalized path; throws ValidationError for a path that cannot be a rule file. */
function candidateTree(files: CandidateFile[]): Map<string, string> {
  const tree = new Map<string, string>();
  files.forEach((f, i) => {
    const normal = path.posix.normalize(f.path);
    if (!f.path || path.isAbsolute(f.path) || normal.startsWith('..') || !normal.endsWith('.json')) {
      throw new ValidationError([
        {
          field: `files[${i}].path`,
          reason:
            'must be a relative path to a .json file inside the rule set, e.g. "standard-2027/rates.json"',
        },
      ]);
    }
    tree.set(normal, f.content); // a later file of the same path replaces an earlier one, as on disk
  });
  return tree;
}

/** The rule-set directories of the tree ('' for the root), as findRuleSetDirs would find them. */
function ruleSetDirs(tree: Map<string, string>): string[] {
  if (tree.has('ruleset.json')) return [''];
  const names = new Set<string>();
  for (const p of tree.keys()) {
    const slash = p.indexOf('/');
    if (slash > 0) names.add(p.slice(0, slash));
  }
  return [...names]
    .sort((a, b) => a.localeCompare(b))
    .filter((name) => mayHoldRuleSet(name) && tree.has(`${name}/ruleset.json`));
}

export function loadCandidateRuleBook(files: CandidateFile[]): RuleBookLoad {
  const tree = candidateTree(files);
  const reads = ruleSetDirs(tree).map((dir) => {
    const texts = {} as RuleSetTexts;
    for (const part of RULE_SET_PARTS) {
      const rel = dir ? `${dir}/${part}.json` : `${part}.json`;
      texts[part] = { path: rel, text: tree.get(rel) };
    }
    return parseRuleSetFiles(texts);
  });
  return ruleBookOf(reads, '.');
}

export const candidateRuleFiles: CandidateRuleFiles = {
  load: (files) => Promise.resolve().then(() => loadCandidateRuleBook(files)),
};
