/** Structured JSON logs (pino) on stdout. Secrets never reach a log line: see `redact` and `err`. */
import { pino, type Logger } from 'pino';
import { databaseErrorIn, loggableDatabaseError } from './loggable-database-error';

export type { Logger };

/**
 * Every `{ err }` a log line carries, from a gRPC call or a background job (the close scheduler,
 * partition upkeep, delivery): a database's error is logged without its statement, whose values
 * may be access codes or customer data; any other error as pino logs it.
 */
export function serializeError(error: unknown): unknown {
  const database = databaseErrorIn(error);
  if (database) return loggableDatabaseError(error, database);
  return error instanceof Error ? pino.stdSerializers.err(error) : error;
}

/** What every logger of the service redacts, stamps and serializes. */
export function loggerOptions(level: string) {
  return {
    level,
    base: { service: 'billing' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['authorization', '*.authorization', 'token', '*.token'], censor: '[redacted]' },
    serializers: { err: serializeError },
  };
}

/**
 * `to: 'stderr'` for the command line, whose stdout is the command's output (a CSV, a report) and
 * must not get a log line mixed in.
 */
export function createLogger(level: string, to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = loggerOptions(level);
  return to === 'stderr' ? pino(options, pino.destination({ dest: 2, sync: true })) : pino(options);
}
