/** A rules directory as the source of the live rule book (RatingRuntime). */
import type { RuleBookSource } from '../app/rating/ports.js';
import { loadRuleBook } from './load.js';
import { ruleFilesDigest } from './rule-files-digest.js';
import { RulesWatcher } from './rules-watcher.js';

export function ruleDirectory(dir: string): RuleBookSource {
  return {
    location: dir,
    load: () => loadRuleBook(dir),
    digest: () => ruleFilesDigest(dir),
    watch: (onEvent, log) => new RulesWatcher(dir, onEvent, log),
  };
}
