/** A rules directory as the source of the live rule book (RatingRuntime). */
import type { RuleBookSource } from '../app/rating/ports';
import { loadRuleBook } from './load';
import { ruleFilesDigest } from './rule-files-digest';
import { RulesWatcher } from './rules-watcher';

export function ruleDirectory(dir: string): RuleBookSource {
  return {
    location: dir,
    load: () => loadRuleBook(dir),
    digest: () => ruleFilesDigest(dir),
    watch: (onEvent, log) => new RulesWatcher(dir, onEvent, log),
  };
}
