/**
 * The browser's RPCs, one per method of each service, each forwarded unchanged to this process's
 * own gRPC server. Nothing is implemented twice: authentication, the role table, tenancy, input
 * limits, error mapping, metrics and the access log all happen where they happen for any gRPC
 * client. Connect and gRPC-Web are spoken by connect-node on the way in and gRPC on the way out;
 * the handlers only pass messages, the authorization header, cancellation and the deadline along.
 */
import type {
  DescMethod,
  DescMethodBiDiStreaming,
  DescMethodClientStreaming,
  DescMethodServerStreaming,
  DescMethodUnary,
  DescService,
} from '@bufbuild/protobuf';
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from '@connectrpc/connect';
import { createAsyncIterable } from '@connectrpc/connect/protocol';
import type { CallerLanes, Lane } from './caller-lanes';

/** Request headers that reach the gRPC server; everything else stays at the browser edge. */
const FORWARDED_HEADERS = ['authorization'];

/** Told of a call refused for want of a place on its caller's connection. */
type OnRefused = (path: string, code: Code) => void;

export function forwardingRoutes(
  services: readonly DescService[],
  lanes: CallerLanes,
  onRefused: OnRefused,
): (router: ConnectRouter) => void {
  const callerLanes = { lanes, onRefused };
  return (router) => {
    for (const service of services) for (const method of service.methods) route(router, method, callerLanes);
  };
}

interface CountedLanes {
  lanes: CallerLanes;
  onRefused: OnRefused;
}

// DescMethod does not narrow on methodKind, hence the casts after each check.
function route(router: ConnectRouter, descriptor: DescMethod, lanes: CountedLanes): void {
  switch (descriptor.methodKind) {
    case 'unary': {
      const method = descriptor as DescMethodUnary;
      router.rpc(method, async (request, context) => {
        const lane = laneOf(lanes, context, false);
        try {
          const response = await relay(() =>
            lane.transport.unary(method, context.signal, context.timeoutMs(), forwarded(context), request),
          );
          return response.message;
        } finally {
          lane.leave();
        }
      });
      return;
    }
    case 'server_streaming': {
      const method = descriptor as DescMethodServerStreaming;
      router.rpc(method, (request, context) =>
        relayStream(lanes, context, (upstream) =>
          upstream.stream(
            method,
            context.signal,
            context.timeoutMs(),
            forwarded(context),
            createAsyncIterable([request]),
          ),
        ),
      );
      return;
    }
    case 'client_streaming': {
      const method = descriptor as DescMethodClientStreaming;
      router.rpc(method, async (requests, context) => {
        let last;
        for await (const message of relayStream(lanes, context, (upstream) =>
          upstream.stream(method, context.signal, context.timeoutMs(), forwarded(context), requests),
        ))
          last = message;
        if (!last) throw new ConnectError('the server sent no response', Code.Internal);
        return last;
      });
      return;
    }
    case 'bidi_streaming': {
      const method = descriptor as DescMethodBiDiStreaming;
      // Needs HTTP/2 end to end, which browsers do not offer; connect-node refuses it on HTTP/1.1.
      router.rpc(method, (requests, context) =>
        relayStream(lanes, context, (upstream) =>
          upstream.stream(method, context.signal, context.timeoutMs(), forwarded(context), requests),
        ),
      );
      return;
    }
  }
}

/** The call's place on its caller's connection, or RESOURCE_EXHAUSTED when its streams are all taken. */
function laneOf({ lanes, onRefused }: CountedLanes, context: HandlerContext, streaming: boolean): Lane {
  const lane = lanes.enter(context.requestHeader.get('authorization') ?? '', streaming);
  if (lane) return lane;
  onRefused(`/${context.service.typeName}/${context.method.name}`, Code.ResourceExhausted);
  throw new ConnectError(
    `at most ${lanes.maxStreamsPerCaller} streaming calls at once per token on the console; end one first`,
    Code.ResourceExhausted,
  );
}

function forwarded(context: HandlerContext): Headers {
  const headers = new Headers();
  for (const name of FORWARDED_HEADERS) {
    const value = context.requestHeader.get(name);
    if (value !== null) headers.set(name, value);
  }
  return headers;
}

async function relay<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asBrowserError(error);
  }
}

/** The upstream call's messages; the lane is left when the stream ends, fails or the browser leaves. */
async function* relayStream<T>(
  lanes: CountedLanes,
  context: HandlerContext,
  open: (upstream: Lane['transport']) => Promise<{ message: AsyncIterable<T> }>,
): AsyncIterable<T> {
  const lane = laneOf(lanes, context, true);
  try {
    const response = await open(lane.transport);
    yield* response.message;
  } catch (error) {
    throw asBrowserError(error);
  } finally {
    lane.leave();
  }
}

/**
 * The gRPC server's status, message and details (google.rpc.BadRequest and the like) as they
 * were; its trailers are not passed on (they are gRPC framing, not the browser's business).
 */
function asBrowserError(error: unknown): ConnectError {
  const upstream = ConnectError.from(error);
  const relayed = new ConnectError(upstream.rawMessage, upstream.code);
  relayed.details = upstream.details;
  return relayed;
}
