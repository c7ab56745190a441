/**
 * Checks a candidate rule set sent by finance exactly as live reload would, without it going live:
 * the files are written to a private temporary directory and loaded from there.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ValidationError } from '../../domain/errors';
import { loadRuleBook, type RuleViolation } from '../../rules-files/load';

export interface CandidateFile {
  path: string;
  content: string;
}

export async function validateCandidate(
  files: CandidateFile[],
): Promise<{ valid: boolean; violations: RuleViolation[]; hashes: string[] }> {
  if (files.length === 0)
    throw new ValidationError([{ field: 'files', reason: 'at least one rule file is needed' }]);
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
  });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'billing-candidate-'));
  try {
    for (const f of files) {
      const target = path.join(dir, path.posix.normalize(f.path));
      await fs.mkdir(path.dirname(target), { recursive: true });
      await fs.writeFile(target, f.content);
    }
    const result = await loadRuleBook(dir);
    return result.ok
      ? { valid: true, violations: [], hashes: result.book.sets.map((s) => s.hash) }
      : { valid: false, violations: result.violations, hashes: [] };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
