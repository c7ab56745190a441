import { createHash } from 'node:crypto';

/** Hex sha256 of a rule file's text, or of a digest line. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The digest of a rules directory's rule files (RuleBookSource.digest), from one line per file:
 * its path relative to the rules directory and the sha256 of its bytes, or "missing".
 */
export function digestLine(relativePath: string, content: string): string {
  return `${relativePath}\u0000${content}`;
}

export function digestOfLines(lines: string[]): string {
  return sha256(lines.join('\n'));
}

/** The digest of a rules directory that cannot be listed. */
export function unreadableDigest(e: unknown): string {
  return `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
}
