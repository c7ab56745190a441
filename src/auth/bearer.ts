/**
 * Reading the `authorization` metadata (RFC 6750: `Bearer <token>`). A header that is present but
 * not in that shape is told apart from a missing one, so a misconfigured client learns what is
 * wrong with what it sends instead of being told it sent nothing.
 */

/** Longest token accepted: far above any real token, low enough that hashing it costs nothing. */
export const MAX_TOKEN_LENGTH = 4096;

export const MALFORMED_AUTHORIZATION = "malformed authorization header: expected 'Bearer <token>'";

export type BearerHeader = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'token'; token: string };

/** `values`: every `authorization` value the call carried (metadata may repeat a key). */
export function readBearer(values: readonly unknown[]): BearerHeader {
  if (values.length === 0) return { kind: 'missing' };
  // Two headers would leave which credential counts to chance: refuse rather than pick one.
  if (values.length > 1 || typeof values[0] !== 'string') return { kind: 'malformed' };
  const match = /^Bearer +(\S+)$/i.exec(values[0].trim());
  const token = match?.[1];
  if (!token || token.length > MAX_TOKEN_LENGTH) return { kind: 'malformed' };
  return { kind: 'token', token };
}
