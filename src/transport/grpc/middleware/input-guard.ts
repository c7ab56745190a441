/**
 * Answers a request the wire guard refused: INVALID_ARGUMENT naming each field and its limit.
 * An undecodable message is logged at warn and counted, so a misbehaving client is visible to the
 * operator; in a stream, the refused message ends the stream and nothing after it is read.
 */
import type { CallContext, ServerMiddlewareCall } from 'nice-grpc';
import { ValidationError } from '../../../domain/errors';
import type { Logger } from '../../../observability/logger';
import type { Metrics } from '../../../observability/metrics';
import { RefusedMessage } from '../input-limits/guarded-definition';

export function inputGuardMiddleware(metrics: Metrics, logger: Logger) {
  function refuse(message: RefusedMessage, path: string, peer: string): never {
    const reason = message.undecodable ? 'undecodable' : 'limits';
    metrics.requestsRefused.inc({ reason });
    if (message.undecodable)
      logger.warn({ rpc: path, peer, violations: message.violations }, 'undecodable request message');
    throw new ValidationError(message.violations);
  }

  async function* checked<T>(requests: AsyncIterable<T>, path: string, peer: string): AsyncIterable<T> {
    for await (const request of requests) {
      if (request instanceof RefusedMessage) refuse(request, path, peer);
      yield request;
    }
  }

  return async function* guardInput<Request, Response>(
    call: ServerMiddlewareCall<Request, Response>,
    context: CallContext,
  ) {
    const path = call.method.path;
    if (call.requestStream) {
      return yield* call.next(
        checked(call.request as AsyncIterable<unknown>, path, context.peer) as Request,
        context,
      );
    }
    if (call.request instanceof RefusedMessage) refuse(call.request, path, context.peer);
    return yield* call.next(call.request, context);
  };
}
