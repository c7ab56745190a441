/**
 * One digest of the rule files exactly as the loader finds them (the same rule-set directories, the
 * same four files each), so "the files changed" is a comparison of two strings. It hashes content,
 * not size and mtime: rsync -a and cp -p keep mtimes, and an in-place edit within one timestamp tick
 * keeps both. The shipped rules are about 85 KB, so reading them all costs well under a millisecond.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RULE_SET_PARTS } from '../domain/rating/types';
import { digestLine, digestOfLines, sha256, unreadableDigest } from './content-hash';
import { findRuleSetDirs } from './load';

/** Never throws: an unreadable directory or a missing file is part of the digest, so it changes when they come back. */
export async function ruleFilesDigest(dir: string): Promise<string> {
  let setDirs: string[];
  try {
    setDirs = await findRuleSetDirs(dir);
  } catch (e) {
    return unreadableDigest(e);
  }
  const lines: string[] = [];
  for (const setDir of setDirs) {
    for (const part of RULE_SET_PARTS) {
      const file = path.join(setDir, `${part}.json`);
      let content: string;
      try {
        content = sha256(await readFile(file));
      } catch {
        content = 'missing';
      }
      // Paths relative to the rules directory as named, so a symlink re-pointed to an identical release is no change.
      lines.push(digestLine(path.relative(dir, file), content));
    }
  }
  return digestOfLines(lines);
}
