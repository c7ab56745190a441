/**
 * What the log may say of a database's failed statement: its SQLSTATE, constraint, table, the
 * database's own message and the stack frames; never the statement or its values.
 */

/** The longest database message logged; the rest is cut. */
const MAX_MESSAGE_CHARS = 512;

function bounded(text: string): string {
  return text.length <= MAX_MESSAGE_CHARS ? text : `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

/**
 * A database's error as it may be logged. knex puts the failed statement, its values written in,
 * before the database's message ("insert into ... values ('…', '123456', …) - duplicate key ...",
 * knex/lib/execution/internal/query-executioner.js) and MikroORM appends the detail ("Key (…)=(…)
 * already exists"): both may hold access codes, tokens or customer data, so neither is logged;
 * SQLSTATE, constraint, table and the stack frames say where to look.
 */
interface DatabaseError extends Error {
  code: string;
  constraint?: unknown;
  table?: unknown;
  column?: unknown;
  routine?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The error the database answered, if `error` is one or wraps one (`cause`, MikroORM's `previous`). */
export function databaseErrorIn(error: unknown, depth = 0): DatabaseError | undefined {
  if (depth > 4 || !(error instanceof Error)) return undefined;
  const { code, cause, previous } = error as Error & { code?: unknown; previous?: unknown };
  if (typeof code === 'string' && SQLSTATE.test(code)) return error as DatabaseError;
  return databaseErrorIn(cause, depth + 1) ?? databaseErrorIn(previous, depth + 1);
}

/** The database's own message: after knex's statement, before MikroORM's detail and hint. */
function databaseMessage(message: string): string {
  let text = message;
  for (const marker of ['\n - hint: ', '\n - detail: ']) {
    const at = text.lastIndexOf(marker);
    if (at >= 0) text = text.slice(0, at);
  }
  const statementEnd = text.lastIndexOf(' - ');
  if (statementEnd >= 0) text = text.slice(statementEnd + 3);
  return bounded(text.split('\n')[0]!);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

export function loggableDatabaseError(error: unknown, database: DatabaseError) {
  return {
    class: (error as Error).name,
    ...(database !== error && { databaseClass: database.name }),
    code: database.code,
    message: databaseMessage(database.message),
    constraint: text(database.constraint),
    table: text(database.table),
    column: text(database.column),
    routine: text(database.routine),
    stack: framesOf(error as Error),
  };
}

/**
 * The stack's frames only: V8 writes "<name>: <message>" before them, and the message holds the
 * statement, over several lines for a statement written over several (one may well begin with
 * "at time zone"), so the frames are what follows that whole heading, not lines that look like one.
 */
function framesOf(error: Error): string | undefined {
  const stack = error.stack;
  if (!stack) return undefined;
  const heading = `${error.name}: ${error.message}`;
  const frames = stack.startsWith(heading) ? stack.slice(heading.length) : '';
  return frames.replace(/^\n/, '');
}

/** A one-line reason for a warning: for a database's error its SQLSTATE and own message, never the statement. */
export function loggableReason(error: unknown): string {
  const database = databaseErrorIn(error);
  if (database) return `${database.code} ${databaseMessage(database.message)}`;
  return error instanceof Error ? databaseMessage(error.message) : String(error);
}
