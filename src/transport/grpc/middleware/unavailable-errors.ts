/**
 * Recognises "the database cannot be reached right now" in an error, so the error mapper answers
 * UNAVAILABLE (retry later; nothing was acknowledged) instead of INTERNAL (a bug).
 *
 * Why recognise by shape here rather than translate in persistence: every path that touches the
 * database (a dozen stores, the ORM, the request ledger, the rule archive, the unrated queue) would
 * need its own translating wrapper, and one forgotten path would turn an outage into INTERNAL
 * again; the mapper sees every error exactly once. The shapes are public, stable protocols, not
 * persistence code: PostgreSQL SQLSTATEs, Node.js socket errno codes, and the fixed messages and
 * names of node-postgres and knex, so nothing here imports the persistence layer.
 */

/** Admin/crash shutdown, cannot connect now (server starting up), too many connections. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** SQLSTATE class 08: connection exception (08000, 08001, 08003, 08004, 08006, 08P01 ...). */
const CONNECTION_EXCEPTION_CLASS = /^08[0-9A-Z]{3}$/;
/** The socket to the server failed: refused, reset, broken pipe, timed out, or the host is gone. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
/**
 * Messages without a code: node-postgres when the socket closed under a query (or its ROLLBACK),
 * knex when no pooled connection could be had in time.
 */
const MESSAGES = [
  'Connection terminated',
  'Connection ended unexpectedly',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Timeout acquiring a connection',
];
/** node-postgres's connectionTimeoutMillis expired: the whole message, too generic to search for. */
const EXACT_MESSAGES = new Set(['timeout expired']);
const NAMES = new Set(['KnexTimeoutError']);

/** True when `error` (or what it wraps: `cause`, MikroORM's `previous`, an AggregateError's `errors`) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const { code, name, message, cause, previous, errors } = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    previous?: unknown;
    errors?: unknown;
  };
  if (
    typeof code === 'string' &&
    (SQLSTATES.has(code) || CONNECTION_EXCEPTION_CLASS.test(code) || SOCKET_CODES.has(code))
  )
    return true;
  if (typeof name === 'string' && NAMES.has(name)) return true;
  if (
    typeof message === 'string' &&
    (EXACT_MESSAGES.has(message) || MESSAGES.some((m) => message.includes(m)))
  )
    return true;
  const wrapped: unknown[] = [cause, previous, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return wrapped.some((inner) => inner !== error && isDatabaseUnavailable(inner, depth + 1));
}

/** A full disk: PostgreSQL's disk_full (53100, also PGlite's), or the OS saying so (no space left, quota exceeded). */
const DISK_FULL_CODES = new Set(['53100', 'ENOSPC', 'EDQUOT']);

/**
 * True when `error` (or what it wraps) says the database's disk is full. The statement failed and
 * its transaction rolled back, so nothing was stored; the same request succeeds once space returns.
 */
export function isDiskFull(error: unknown): boolean {
  return someCode(error, (code) => DISK_FULL_CODES.has(code));
}

/**
 * lock_not_available (55P03): a lock wait ran out its lock_timeout. The service sets one only
 * where waiting longer would stall others (a batch creating its month's partitions behind a long
 * transaction); the transaction rolled back, and the same request succeeds once the lock is free.
 * query_canceled (57014): a statement_timeout an operator set on the role or database ran out (a
 * statement stuck behind a lock, a database under load), or an operator cancelled the statement
 * (pg_cancel_backend). Its transaction rolled back too (a batch of CDRs: none of it stored) and the
 * connection stays usable: busy, not a bug, so the client retries instead of giving up on INTERNAL.
 * A deadlock or serialization failure is not here: the stores retry those themselves.
 */
const BUSY_CODES = new Set(['55P03', '57014']);

/** True when `error` (or what it wraps) is a lock wait or statement that timed out (or was cancelled): busy, not broken. */
export function isDatabaseBusy(error: unknown): boolean {
  return someCode(error, (code) => BUSY_CODES.has(code));
}

/** True when `error` or an error it wraps carries a string `code` that `test` accepts. */
function someCode(error: unknown, test: (code: string) => boolean, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  const { code, cause, previous, errors } = error as {
    code?: unknown;
    cause?: unknown;
    previous?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && test(code)) return true;
  const wrapped: unknown[] = [cause, previous, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return wrapped.some((inner) => inner !== error && someCode(inner, test, depth + 1));
}
