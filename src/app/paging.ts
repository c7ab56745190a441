/**
 * Page sizes and opaque page tokens for list RPCs. A token is the last row's sort key, signed with
 * a key every replica shares (HMAC-SHA256), so a client cannot forge or alter one: anything not
 * issued by this service answers INVALID_ARGUMENT instead of reaching a query. Keyset paging:
 * stable under inserts, no OFFSET scans.
 */
import crypto from 'node:crypto';
import { ValidationError } from '../domain/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Length of the signature at the end of a token: 16 bytes of HMAC in base64url. */
const SIGNATURE_CHARS = 22;

// Until the service sets the shared key, a per-process key: tokens then only survive within one
// process (the CLI, unit tests), which is still safe.
let signingKey: Buffer = crypto.randomBytes(32);

/** Sets the key page tokens are signed with: the one every replica reads from the database. */
export function usePageTokenKey(key: Buffer): void {
  signingKey = key;
}

export function pageSize(requested: number | undefined): number {
  if (requested === undefined || requested === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(requested) || requested < 0)
    throw new ValidationError([{ field: 'page_size', reason: 'must be a positive whole number' }]);
  return Math.min(requested, MAX_PAGE_SIZE);
}

/**
 * `scope` names the list and the filter the token continues (e.g. `contracts` and the customer's
 * id): it is signed with the key but not carried, so a token handed to another list, or to the same
 * list with another filter, is refused instead of skipping rows (or reaching a query as a key it
 * cannot read). Without a scope, the token is signed as before.
 */
export function encodePageToken(key: string[], scope = ''): string {
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return payload + signatureOf(payload, scope);
}

/** A page-token scope from a list's name and the filter values its pages depend on. */
export function pageScope(list: string, ...filter: (string | Date | undefined)[]): string {
  return JSON.stringify([list, ...filter.map((f) => (f instanceof Date ? f.toISOString() : (f ?? null)))]);
}

/**
 * The sort key a token carries: as many strings as the list's key has parts. `parts` checks each
 * (a timestamp, a numeric id) so a token from another list is refused, not misread.
 */
export function decodePageToken(
  token: string | undefined,
  parts: ((part: string) => boolean)[] = [],
  scope = '',
): string[] | undefined {
  if (!token) return undefined;
  const payload = token.slice(0, -SIGNATURE_CHARS);
  const signature = token.slice(-SIGNATURE_CHARS);
  if (token.length > SIGNATURE_CHARS && safeEqual(signature, signatureOf(payload, scope))) {
    const key = parse(payload);
    if (key && key.length === parts.length && parts.every((ok, i) => ok(key[i]!))) return key;
    if (key && parts.length === 0) return key;
  }
  throw new ValidationError([
    { field: 'page_token', reason: 'not a page token from this service for this list' },
  ]);
}

/** Page-token key parts. An instant as the service writes one (Date.toISOString): Date.parse alone takes "Acme 1" for 2001. */
export const isTimestamp = (part: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(part) && !Number.isNaN(Date.parse(part));
export const isNumericId = (part: string) => /^\d{1,19}$/.test(part);
export const isText = () => true;

function signatureOf(payload: string, scope: string): string {
  return (
    crypto
      .createHmac('sha256', signingKey)
      // The payload is base64url: a scope cannot be confused with part of it.
      .update(scope ? `${JSON.stringify(scope)}.${payload}` : payload)
      .digest()
      .subarray(0, 16)
      .toString('base64url')
  );
}

function safeEqual(a: string, b: string): boolean {
  return a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

function parse(payload: string): string[] | undefined {
  try {
    const key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(key) && key.every((part) => typeof part === 'string') ? key : undefined;
  } catch {
    return undefined;
  }
}
