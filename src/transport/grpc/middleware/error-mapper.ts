/**
 * The one place domain errors become gRPC statuses. Bad input carries google.rpc.BadRequest
 * details (one field violation per field); an unreachable or busy database is UNAVAILABLE (the client
 * retries: an unacknowledged batch is resent and deduplicated, a mutation keeps its request_id);
 * anything else unexpected becomes INTERNAL with a generic message and is logged here, so
 * internals never leak to a client.
 */
import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc';
import { BadRequest, RichServerError } from 'nice-grpc-error-details';
import {
  ConflictError,
  FailedPreconditionError,
  NotFoundError,
  StaleVersionError,
  ValidationError,
} from '../../../domain/errors';
import type { Logger } from '../../../observability/logger';
import {
  databaseErrorIn,
  loggableDatabaseError,
  loggableReason,
} from '../../../observability/loggable-database-error';
import { isDatabaseBusy, isDatabaseUnavailable, isDiskFull } from './unavailable-errors';

/**
 * A status message never grows with the input: a client's own megabyte must not come back to it
 * (a default grpcio client refuses status messages over 8 KB as RESOURCE_EXHAUSTED).
 */
export const MAX_STATUS_MESSAGE_CHARS = 2048;
const MAX_VIOLATION_CHARS = 512;
/** Says what to do, not what broke: the details (host, SQLSTATE) stay in the server log. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'the database is unavailable; retry with backoff';
/** Disk full: nothing was stored; the same request succeeds once an operator has freed space. */
export const DISK_FULL_MESSAGE = 'the database is out of disk space; nothing was stored: retry with backoff';
/**
 * A lock wait or a statement timed out (or an operator cancelled it) and its transaction rolled back
 * (for ingest: none of the batch was stored); the same request, with its request id, succeeds once
 * the database is free again.
 */
export const DATABASE_BUSY_MESSAGE =
  'the database is busy (a lock wait or a statement timed out); retry with backoff';

export function toServerError(error: unknown): ServerError | undefined {
  if (error instanceof ServerError) return error;
  if (error instanceof ValidationError) {
    return new RichServerError(Status.INVALID_ARGUMENT, bounded(error.message, MAX_STATUS_MESSAGE_CHARS), [
      BadRequest.fromPartial({
        fieldViolations: error.violations.map((v) => ({
          field: bounded(v.field, MAX_VIOLATION_CHARS),
          description: bounded(v.reason, MAX_VIOLATION_CHARS),
        })),
      }),
    ]);
  }
  const code = statusOf(error);
  return code === undefined
    ? undefined
    : new ServerError(code, bounded((error as Error).message, MAX_STATUS_MESSAGE_CHARS));
}

function statusOf(error: unknown): Status | undefined {
  if (error instanceof NotFoundError) return Status.NOT_FOUND;
  if (error instanceof StaleVersionError) return Status.ABORTED;
  if (error instanceof ConflictError) return Status.ALREADY_EXISTS;
  if (error instanceof FailedPreconditionError) return Status.FAILED_PRECONDITION;
  return undefined;
}

function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function errorMapperMiddleware(logger: Logger) {
  return async function* mapErrors<Request, Response>(
    call: ServerMiddlewareCall<Request, Response>,
    context: CallContext,
  ) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      // A cancelled call or an exceeded deadline: the client is gone; nothing to translate.
      if (error instanceof Error && error.name === 'AbortError') throw error;
      const mapped = toServerError(error);
      if (mapped) throw mapped;
      if (isDiskFull(error)) {
        // Needs an operator (free space), but is no bug: the client keeps its data and resends later.
        logger.error(
          { method: call.method.path, reason: loggableReason(error) },
          'database disk full; answered RESOURCE_EXHAUSTED',
        );
        throw new ServerError(Status.RESOURCE_EXHAUSTED, DISK_FULL_MESSAGE);
      }
      if (isDatabaseBusy(error)) {
        logger.warn(
          { method: call.method.path, reason: loggableReason(error) },
          'database busy (lock wait timed out); answered UNAVAILABLE',
        );
        throw new ServerError(Status.UNAVAILABLE, DATABASE_BUSY_MESSAGE);
      }
      if (isDatabaseUnavailable(error)) {
        // Expected during a database restart or failover: a warning, not an error with a stack.
        logger.warn(
          { method: call.method.path, reason: loggableReason(error) },
          'database unavailable; answered UNAVAILABLE',
        );
        throw new ServerError(Status.UNAVAILABLE, DATABASE_UNAVAILABLE_MESSAGE);
      }
      const database = databaseErrorIn(error);
      logger.error(
        database
          ? { database: loggableDatabaseError(error, database), method: call.method.path }
          : { err: error, method: call.method.path },
        'unexpected error in RPC handler',
      );
      throw new ServerError(Status.INTERNAL, 'internal error; see the server log');
    }
  };
}
