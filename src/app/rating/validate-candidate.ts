/** Checks a candidate rule set sent by finance exactly as live reload would, without it going live. */
import { ValidationError } from '../../domain/errors';
import type { RuleViolation } from '../../domain/rating/index';
import type { CandidateFile, CandidateRuleFiles } from './ports';

export interface ValidateCandidateDeps {
  candidates: CandidateRuleFiles;
}

export interface CandidateVerdict {
  valid: boolean;
  violations: RuleViolation[];
  /** The content hash of each rule set, when valid. */
  hashes: string[];
}

export async function validateCandidate(
  deps: ValidateCandidateDeps,
  files: CandidateFile[],
): Promise<CandidateVerdict> {
  if (files.length === 0)
    throw new ValidationError([{ field: 'files', reason: 'at least one rule file is needed' }]);
  const result = await deps.candidates.load(files);
  return result.ok
    ? { valid: true, violations: [], hashes: result.book.sets.map((s) => s.hash) }
    : { valid: false, violations: result.violations, hashes: [] };
}
