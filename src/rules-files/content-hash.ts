import { createHash } from 'node:crypto';

/** Hex sha256 of a rule file's text, or of a digest line. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
