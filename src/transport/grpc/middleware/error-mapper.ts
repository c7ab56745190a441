/**
 * The one place domain errors become gRPC statuses. Bad input carries google.rpc.BadRequest
 * details (one field violation per field); anything unexpected becomes INTERNAL with a generic
 * message and is logged here, so internals never leak to a client.
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

export function toServerError(error: unknown): ServerError | undefined {
  if (error instanceof ServerError) return error;
  if (error instanceof ValidationError) {
    return new RichServerError(Status.INVALID_ARGUMENT, error.message, [
      BadRequest.fromPartial({
        fieldViolations: error.violations.map((v) => ({ field: v.field, description: v.reason })),
      }),
    ]);
  }
  if (error instanceof NotFoundError) return new ServerError(Status.NOT_FOUND, error.message);
  if (error instanceof StaleVersionError) return new ServerError(Status.ABORTED, error.message);
  if (error instanceof ConflictError) return new ServerError(Status.ALREADY_EXISTS, error.message);
  if (error instanceof FailedPreconditionError) return new ServerError(Status.FAILED_PRECONDITION, error.message);
  return undefined;
}

export function errorMapperMiddleware(logger: Logger) {
  return async function* mapErrors<Request, Response>(call: ServerMiddlewareCall<Request, Response>, context: CallContext) {
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      // A cancelled call or an exceeded deadline: the client is gone; nothing to translate.
      if (error instanceof Error && error.name === 'AbortError') throw error;
      const mapped = toServerError(error);
      if (mapped) throw mapped;
      logger.error({ err: error, method: call.method.path }, 'unexpected error in RPC handler');
      throw new ServerError(Status.INTERNAL, 'internal error; see the server log');
    }
  };
}
