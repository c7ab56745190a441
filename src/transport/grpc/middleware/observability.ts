/** Per-RPC metrics (calls, codes, latency) and one structured access-log line per RPC. */
import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc';
import type { Logger } from '../../../observability/logger';
import type { Metrics } from '../../../observability/metrics';

function statusOf(error: unknown): Status {
  if (error instanceof ServerError) return error.code;
  if (error instanceof Error && error.name === 'AbortError') return Status.CANCELLED;
  return Status.UNKNOWN;
}

/** An RPC's metric labels: its service and method from the path, its status by name. */
export function rpcLabels(path: string, code: Status) {
  const [, service = '', method = ''] = path.split('/');
  return { grpc_service: service, grpc_method: method, grpc_code: Status[code] ?? String(code) };
}

/** Counts and logs one finished RPC: the same line whether the middleware or an interceptor ended it. */
export function recordRpc(
  metrics: Metrics,
  logger: Logger,
  path: string,
  code: Status,
  seconds: number,
  peer: string,
): void {
  const labels = rpcLabels(path, code);
  metrics.rpcHandled.inc(labels);
  metrics.rpcSeconds.observe(labels, seconds);
  if (!labels.grpc_service.startsWith('grpc.'))
    logger.info({ rpc: path, code: labels.grpc_code, ms: Math.round(seconds * 1000), peer }, 'rpc');
}

export function observabilityMiddleware(metrics: Metrics, logger: Logger) {
  return async function* observe<Request, Response>(
    call: ServerMiddlewareCall<Request, Response>,
    context: CallContext,
  ) {
    const started = process.hrtime.bigint();
    let code = Status.OK;
    try {
      return yield* call.next(call.request, context);
    } catch (error) {
      code = statusOf(error);
      throw error;
    } finally {
      recordRpc(
        metrics,
        logger,
        call.method.path,
        code,
        Number(process.hrtime.bigint() - started) / 1e9,
        context.peer,
      );
    }
  };
}
