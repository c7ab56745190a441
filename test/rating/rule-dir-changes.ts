/**
 * The ways rule files really change on a server, done for real to a rules directory that is
 * deployed as a symlink to a release (ln -sfn), so the reload tests exercise the file system the
 * way editors, git, rsync and deploy scripts do, not a tidy in-place write.
 */
import { cp, mkdir, mkdtemp, readFile, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readRuleSetSource } from '../../src/rules-files/load';
import { condition, ruleNamed, slot, type RuleSetDocs } from './rule-docs';

export const WAYS = [
  'rename-save', // an editor writes a temp file and renames it over the original
  'replace-dir', // git checkout / rsync: the rule-set directory removed and a new one moved into place
  'recreate-dir', // the directory deleted, created again and written file by file
  'symlink-swap', // a new release copied, then the rules symlink re-pointed by renaming a new link over it
  'in-place', // a plain write into the file: the case that stopped reloading after re-created directories
] as const;
export type Way = (typeof WAYS)[number];

const PARTS = ['ruleset', 'destinations', 'rates', 'calendar'] as const;
export type { RuleSetDocs };

export class RulesTree {
  private releases = 0;
  private staged = 0;

  private constructor(
    private readonly base: string,
    /** What BILLING_RULES_DIR names: a symlink to the current release. */
    readonly dir: string,
  ) {}

  /** A copy of `from` as release r0 under a temp directory, with `rules` -> releases/r0. */
  static async create(from: string): Promise<RulesTree> {
    const base = await mkdtemp(path.join(os.tmpdir(), 'billing-reload-'));
    await cp(from, path.join(base, 'releases', 'r0'), { recursive: true });
    await symlink(path.join('releases', 'r0'), path.join(base, 'rules'));
    await mkdir(path.join(base, 'staging'));
    return new RulesTree(base, path.join(base, 'rules'));
  }

  /** Edits the parsed files of rule set `set` and puts the result on disk the given way. */
  async change(way: Way, set: string, edit: (docs: RuleSetDocs) => void): Promise<void> {
    const setDir = path.join(this.dir, set);
    const before = {} as Record<keyof RuleSetDocs, string>;
    for (const part of PARTS) before[part] = await readFile(path.join(setDir, `${part}.json`), 'utf8');
    const docs = Object.fromEntries(PARTS.map((p) => [p, JSON.parse(before[p])])) as RuleSetDocs;
    edit(docs);
    // Same layout as before (trailing newline or not), so only the files whose content changed are written.
    const text = (p: keyof RuleSetDocs) =>
      JSON.stringify(docs[p], null, 2) + (before[p].endsWith('\n') ? '\n' : '');
    const after = Object.fromEntries(PARTS.map((p) => [p, text(p)])) as Record<keyof RuleSetDocs, string>;
    const changed = PARTS.filter((p) => after[p] !== before[p]);
    const writeAll = async (dir: string, parts: readonly (keyof RuleSetDocs)[]) => {
      for (const p of parts) await writeFile(path.join(dir, `${p}.json`), after[p]);
    };

    switch (way) {
      case 'in-place':
        return writeAll(setDir, changed);
      case 'rename-save':
        for (const p of changed) {
          const tmp = path.join(setDir, `.${p}.json.swp`);
          await writeFile(tmp, after[p]);
          await rename(tmp, path.join(setDir, `${p}.json`));
        }
        return;
      case 'replace-dir': {
        const staged = path.join(this.base, 'staging', `${set}-${++this.staged}`);
        await mkdir(staged);
        await writeAll(staged, PARTS);
        await rm(setDir, { recursive: true });
        await rename(staged, setDir);
        return;
      }
      case 'recreate-dir':
        await rm(setDir, { recursive: true });
        await mkdir(setDir);
        return writeAll(setDir, PARTS);
      case 'symlink-swap': {
        const old = await realpath(this.dir);
        const name = `r${++this.releases}`;
        const next = path.join(this.base, 'releases', name);
        await cp(old, next, { recursive: true });
        await writeAll(path.join(next, set), changed);
        const link = path.join(this.base, 'rules.next');
        await symlink(path.join('releases', name), link);
        await rename(link, this.dir); // atomic, as ln -sfn does with mv -T
        await rm(old, { recursive: true }); // deploy tools prune old releases: watches on them must not matter
        return;
      }
    }
  }

  /**
   * The content hash rule set `set` has on disk now. A change of several files passes through valid
   * states in between (one file renamed, the next not yet), so tests wait for this one, the last.
   */
  async hashOnDisk(set: string): Promise<string> {
    const read = await readRuleSetSource(this.dir, path.join(this.dir, set));
    if (!read.ok)
      throw new Error(`${set} on disk is not a valid rule set: ${JSON.stringify(read.violations)}`);
    return read.source.hash;
  }

  remove(): Promise<void> {
    return rm(this.base, { recursive: true, force: true });
  }
}

/** Sets the peak rate of dial-out to Swedish fixed lines (card do_SE of the shipped rules). */
export const setSePeak = (rate: string) => (docs: RuleSetDocs) => {
  slot(docs.rates, 'do_SE', 'peak').rate = rate;
};

/** A typo in a fact name of the rule "dial-out SE", which the checks refuse (or its repair). */
export const misspellFact = (typo: boolean) => (docs: RuleSetDocs) => {
  condition(ruleNamed(docs.ruleset, 'dial-out SE'), 0).fact = typo ? 'acessType' : 'accessType';
};

/** Polls `probe` until `ok`: a bound on waiting for a reload on a loaded machine, not a speed requirement. */
export async function until<T>(
  probe: () => Promise<T> | T,
  ok: (value: T) => boolean,
  what: string,
  boundMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${boundMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
