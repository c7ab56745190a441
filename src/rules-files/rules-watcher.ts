/**
 * File events for a rules directory that survive the ways rule files really change: editors that
 * save by rename, git or rsync replacing a rule-set directory, a directory deleted and re-created,
 * and the rules directory being a symlink re-pointed to a new release (ln -sfn).
 *
 * Node 20's recursive fs.watch on Linux loses directories that are deleted and re-created, and no
 * watch follows a symlink to its next target. So this watches, one directory at a time, exactly
 * what the loader reads: the rules directory's real path and its candidate rule-set subdirectories,
 * plus the directory that holds the rules directory's name (where a rename or ln -sfn replaces it).
 * Whenever that shape may have changed it re-resolves the symlink, re-lists the directory and
 * re-opens every watch whose directory is now another one. It reports "something may have changed";
 * deciding whether the rules did is the caller's (see ruleFilesDigest).
 */
import fs, { type Dirent, type FSWatcher } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RuleFilesWatch, WatcherLog } from '../app/rating/ports';

type Kind = 'parent' | 'root' | 'set';

interface Watch {
  /** dev:ino of the directory watched: a directory re-created at the same path is another one. */
  id: string;
  kind: Kind;
  watcher: FSWatcher;
}

/** The subdirectories findRuleSetDirs (load.ts) may read a rule set from. */
function mayHoldRuleSet(entry: Dirent): boolean {
  return (
    entry.isDirectory() && entry.name !== 'schema' && entry.name !== 'cases' && !entry.name.startsWith('.')
  );
}

export class RulesWatcher implements RuleFilesWatch {
  private readonly link: string;
  private readonly watches = new Map<string, Watch>();
  /** Paths that could not be watched, logged once each until they can be. */
  private readonly failed = new Set<string>();
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private closed = false;

  constructor(
    dir: string,
    private readonly onEvent: () => void,
    private readonly log: WatcherLog,
  ) {
    this.link = path.resolve(dir);
  }

  /** Brings the watches in line with the directories there now. Concurrent calls share one run (and one more after it). */
  resync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          await this.syncOnce().catch((e: Error) =>
            this.log.error({ dir: this.link, err: e.message }, 'cannot list the rules directory to watch it'),
          );
        } while (this.syncAgain && !this.closed);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  close(): void {
    this.closed = true;
    for (const p of [...this.watches.keys()]) this.drop(p);
  }

  private async syncOnce(): Promise<void> {
    const wanted = await this.directories();
    if (this.closed) return;
    for (const [p, w] of this.watches) {
      const want = wanted.get(p);
      if (!want || want.id !== w.id) this.drop(p);
    }
    for (const [p, want] of wanted) if (!this.watches.has(p)) this.open(p, want.id, want.kind);
  }

  private async directories(): Promise<Map<string, { id: string; kind: Kind }>> {
    const out = new Map<string, { id: string; kind: Kind }>();
    const add = async (p: string, kind: Kind) => {
      try {
        const s = await stat(p);
        if (s.isDirectory()) out.set(p, { id: `${s.dev}:${s.ino}`, kind });
      } catch {
        // gone between listing and stat: the event of its return brings it back
      }
    };
    await add(path.dirname(this.link), 'parent');
    let root: string;
    let entries: Dirent[];
    try {
      root = await realpath(this.link);
      entries = await readdir(root, { withFileTypes: true });
    } catch {
      return out; // the rules directory is missing right now; the parent's watch sees it come back
    }
    await add(root, 'root');
    for (const entry of entries) if (mayHoldRuleSet(entry)) await add(path.join(root, entry.name), 'set');
    return out;
  }

  private open(p: string, id: string, kind: Kind): void {
    try {
      const watcher = fs.watch(p, { persistent: false }, (_type, name) => this.event(p, kind, name));
      // Without a listener an 'error' (the directory vanished under some platforms) would crash the process.
      watcher.on('error', () => {
        this.drop(p);
        this.changed(true);
      });
      this.watches.set(p, { id, kind, watcher });
      this.failed.delete(p);
    } catch (e) {
      if (!this.failed.has(p)) {
        this.failed.add(p);
        this.log.error(
          { dir: p, err: (e as Error).message },
          'cannot watch a rules directory; the periodic rescan still finds changes there',
        );
      }
    }
  }

  private drop(p: string): void {
    this.watches.get(p)?.watcher.close();
    this.watches.delete(p);
  }

  private event(dir: string, kind: Kind, name: string | Buffer | null): void {
    if (this.closed) return;
    const entry = name === null ? undefined : name.toString();
    if (kind === 'parent') {
      // The parent may be busy (/tmp, an app directory): only the rules directory's own name matters.
      if (entry !== undefined && entry !== path.basename(this.link)) return;
      // The rules directory itself was replaced, re-created or re-pointed: every watch below may follow a stale directory.
      for (const [p, w] of [...this.watches]) if (w.kind !== 'parent') this.drop(p);
      this.changed(true);
      return;
    }
    if (kind === 'root') {
      // A watch follows its inode, so one on a moved or deleted rule-set directory watches nothing that is loaded.
      if (entry !== undefined) this.drop(path.join(dir, entry));
      else for (const [p, w] of [...this.watches]) if (w.kind === 'set') this.drop(p);
      this.changed(true);
      return;
    }
    this.changed(false);
  }

  private changed(shape: boolean): void {
    this.onEvent();
    // Re-open watches at once, so files written into a new directory right after its creation are seen too.
    if (shape) void this.resync();
  }
}
