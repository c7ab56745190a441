/**
 * Page sizes and opaque page tokens for list RPCs. A token is the base64url of the last row's sort
 * key; clients must treat it as opaque. Keyset paging: stable under inserts, no OFFSET scans.
 */
import { ValidationError } from '../domain/errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export function pageSize(requested: number | undefined): number {
  if (requested === undefined || requested === 0) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(requested) || requested < 0) throw new ValidationError([{ field: 'page_size', reason: 'must be a positive whole number' }]);
  return Math.min(requested, MAX_PAGE_SIZE);
}

export function encodePageToken(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodePageToken(token: string | undefined): unknown[] | undefined {
  if (!token) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key)) return key;
  } catch {
    // fall through
  }
  throw new ValidationError([{ field: 'page_token', reason: 'not a page token from this service' }]);
}
