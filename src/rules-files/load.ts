/**
 * Reads rule sets from disk (see rule-set-files.ts for the checks). A rules directory holds one rule
 * set per subdirectory (a directory with ruleset.json), or is one itself. `schema/` and `cases/` are
 * not rule sets.
 */
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RuleBookLoad } from '../app/rating/ports';
import { RULE_SET_PARTS, type RuleViolation } from '../domain/rating/types';
import {
  mayHoldRuleSet,
  parseRuleSetFiles,
  ruleBookOf,
  type RuleSetRead,
  type RuleSetTexts,
} from './rule-set-files';
import { SCHEMAS } from './schemas';
import { digestLine, digestOfLines, sha256, unreadableDigest } from './content-hash';

export type { RuleViolation };
export type LoadResult = RuleBookLoad;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Directories under `dir` that hold a rule set (or `dir` itself). */
export async function findRuleSetDirs(dir: string): Promise<string[]> {
  if (await exists(path.join(dir, 'ruleset.json'))) return [dir];
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory() || !mayHoldRuleSet(e.name)) continue;
    if (await exists(path.join(dir, e.name, 'ruleset.json'))) out.push(path.join(dir, e.name));
  }
  return out;
}

/**
 * Reads and checks one rule set. `digestLines` collects a ruleFilesDigest line for each file, of the
 * bytes read here: what this read saw, whatever the files hold by the time anyone looks again.
 */
export async function readRuleSetSource(
  root: string,
  setDir: string,
  digestLines: string[] = [],
): Promise<RuleSetRead> {
  const texts = {} as RuleSetTexts;
  for (const part of RULE_SET_PARTS) {
    const abs = path.join(setDir, `${part}.json`);
    const bytes = await readFile(abs).catch(() => undefined);
    digestLines.push(digestLine(path.relative(root, abs), bytes ? sha256(bytes) : 'missing'));
    texts[part] = {
      path: path.relative(root, abs) || `${part}.json`,
      text: bytes?.toString('utf8'),
    };
  }
  return parseRuleSetFiles(texts);
}

/** Reads, checks and compiles every rule set under `dir`. Never throws for bad content. */
export async function loadRuleBook(dir: string): Promise<LoadResult> {
  let dirs: string[];
  try {
    dirs = await findRuleSetDirs(dir);
  } catch (e) {
    return {
      ok: false,
      violations: [
        { file: dir, jsonPath: '$', reason: `cannot read rules directory: ${(e as Error).message}` },
      ],
      digest: unreadableDigest(e),
    };
  }
  const reads: RuleSetRead[] = [];
  const lines: string[] = [];
  for (const d of dirs) reads.push(await readRuleSetSource(dir, d, lines));
  // The digest of exactly the bytes checked, so a reload is judged by what it read (RatingRuntime).
  return { ...ruleBookOf(reads, dir), digest: digestOfLines(lines) };
}

/** Writes the JSON Schemas for editors into `dir` (rules/schema). */
export async function writeSchemaFiles(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, schema] of Object.entries(SCHEMAS))
    await writeFile(path.join(dir, name), JSON.stringify(schema, null, 2) + '\n');
}
