import type { RuleViolation } from '../domain/rating/types';

/** Parses JSON, reporting the line and column of a syntax error. */
export function parseJsonFile(
  file: string,
  text: string,
): { ok: true; doc: unknown } | { ok: false; violation: RuleViolation } {
  try {
    return { ok: true, doc: JSON.parse(text) as unknown };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos).split('\n');
      where = ` at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    }
    return { ok: false, violation: { file, jsonPath: '$', reason: `not valid JSON${where}: ${msg}` } };
  }
}
