/**
 * Keeps the last good RuleBook. `reload()` loads the directory again: a valid set replaces the book
 * in one assignment (the next CDR sees all of it or none of it); an invalid one is refused, its
 * violations kept for reporting, and the previous book keeps pricing. `watch()` is optional wiring.
 */
import { watch, type FSWatcher } from 'node:fs';
import type { RuleBook } from '../domain/rating/ruleset.js';
import type { RuleViolation } from '../domain/rating/types.js';
import { loadRuleBook, type LoadResult } from './load.js';

export interface ReloadReport {
  at: Date;
  ok: boolean;
  violations: RuleViolation[];
  files: { path: string; sha256: string }[];
}

export class LiveRuleBook {
  private current: RuleBook | undefined;
  private currentFiles: { path: string; sha256: string }[] = [];
  lastReport: ReloadReport | undefined;

  constructor(readonly dir: string, private load: (dir: string) => Promise<LoadResult> = loadRuleBook) {}

  /** The book in force (undefined until a first valid load). */
  get book(): RuleBook | undefined {
    return this.current;
  }

  get files(): { path: string; sha256: string }[] {
    return this.currentFiles;
  }

  async reload(): Promise<ReloadReport> {
    const r = await this.load(this.dir);
    if (r.ok) {
      this.current = r.book;
      this.currentFiles = r.files;
      this.lastReport = { at: new Date(), ok: true, violations: [], files: r.files };
    } else {
      this.lastReport = { at: new Date(), ok: false, violations: r.violations, files: [] };
    }
    return this.lastReport;
  }

  /** Reloads on changes under the directory (debounced); `onReload` gets every report. */
  watch(onReload: (r: ReloadReport) => void, debounceMs = 200): FSWatcher {
    let timer: NodeJS.Timeout | undefined;
    const w = watch(this.dir, { recursive: true }, () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload().then(onReload), debounceMs);
    });
    w.on('close', () => clearTimeout(timer));
    return w;
  }
}
