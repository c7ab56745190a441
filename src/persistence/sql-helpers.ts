/** Small helpers for raw SQL through knex, the same on node-postgres and the embedded PGlite. */
import { requestIdReused, type RequestKey } from '../app/mutations';
import type { SqlTransaction } from './pooled-transaction';

/** knex.raw answers `{ rows }` on node-postgres and PGlite alike. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: unknown[] }).rows ?? []) as T[];
}

/**
 * SQL for a timestamptz as its epoch milliseconds, for instants inside JSON built in SQL: a
 * timestamptz's JSON text carries the session time zone's offset, which for old dates in zones
 * with local mean time ("+00:19:32") no Date parses. An infinite instant fails the statement
 * ("cannot convert infinity to bigint") rather than becoming an Invalid Date.
 */
export function epochMsSql(column: string): string {
  return `floor(extract(epoch from ${column}) * 1000)::bigint`;
}

export function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

export function optionalDate(value: Date | string | null | undefined): Date | undefined {
  return value === null || value === undefined ? undefined : toDate(value);
}

/** JSON columns come back parsed from node-postgres; be lenient if a driver hands text. */
export function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/** Escapes LIKE wildcards so a search term matches literally. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Runs a mutation at most once per request key, inside the caller's transaction: the key row is
 * inserted first (a concurrent twin waits on it), the response stored beside it, and a retry with
 * the same key answers the stored response. The same key with a different request is refused.
 */
export async function once<T>(
  trx: SqlTransaction,
  key: RequestKey,
  run: () => Promise<T>,
  codec: { encode(value: T): unknown; decode(stored: unknown): T },
): Promise<T> {
  const claimed = rowsOf(
    await trx.raw(
      `insert into idempotency_keys (scope, request_id, request_hash) values (?, ?, ?)
       on conflict (scope, request_id) do nothing returning request_id`,
      [key.scope, key.requestId, key.requestHash],
    ),
  );
  if (claimed.length) {
    const value = await run();
    // JSON text, not jsonb: jsonb refuses a NUL's escape, which a refused record's echoed ids may hold.
    await trx.raw(`update idempotency_keys set response = ? where scope = ? and request_id = ?`, [
      JSON.stringify(codec.encode(value)),
      key.scope,
      key.requestId,
    ]);
    return value;
  }
  const [stored] = rowsOf<{ request_hash: string; response: unknown }>(
    await trx.raw(`select request_hash, response from idempotency_keys where scope = ? and request_id = ?`, [
      key.scope,
      key.requestId,
    ]),
  );
  if (!stored || stored.request_hash !== key.requestHash) throw requestIdReused(key);
  return codec.decode(json(stored.response));
}

/** Deadlock and serialization failure: the transaction did nothing and may simply run again. */
const RETRYABLE_CODES = new Set(['40P01', '40001']);

/** Runs a whole transaction, again (up to `attempts` times in all) when PostgreSQL aborted it for a deadlock or serialization failure. */
export async function retryOnConflict<T>(attempts: number, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt < attempts && code && RETRYABLE_CODES.has(code)) continue;
      throw error;
    }
  }
}
