/**
 * The browser console's HTTP/1.1 server: the console's static files, and every billing RPC over
 * the Connect protocol and gRPC-Web at /billing.v1.<Service>/<Method> (so a connect-web transport
 * whose baseUrl is the page's origin reaches them), each forwarded to the gRPC server.
 *
 * The gRPC server checks every forwarded call again, but connect reads and decodes a request
 * before its handler runs: so a call is authorized here first, on its headers, with the same
 * decision as the gRPC port (authorize-before-read.ts), and its messages pass the same input
 * limits before connect decodes them (request-guard.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DescService } from '@bufbuild/protobuf';
import { Code, ConnectError, createConnectRouter } from '@connectrpc/connect';
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from '@connectrpc/connect-node';
import type { UniversalHandler } from '@connectrpc/connect/protocol';
import type { CallAuthorizer } from '../grpc/interceptors/authorize-before-read';
import type { CallerLanes } from './caller-lanes';
import { corsPolicy } from './cors-policy';
import { forwardingRoutes } from './forwarding-routes';
import { guardedBody, refusedBody } from './request-guard';
import { staticFiles } from './static-files';

const IDLE_SWEEP_MS = 50;

export interface BrowserServerOptions {
  /** host:port to listen on (`:0` picks a free port). */
  address: string;
  /** The services to offer, exactly those the gRPC server serves. */
  services: readonly DescService[];
  /** Where each call goes: this process's gRPC server, a connection per caller (caller-lanes.ts). */
  upstream: CallerLanes;
  /** Other origins allowed to call the RPCs (CORS). */
  corsOrigins: readonly string[];
  /** The built console (index.html, assets/). */
  staticDir: string;
  /**
   * The gRPC server's own decision on a call's headers (its token store and role table), made
   * here before a byte of the request is read. Absent, every call is refused: fail closed.
   */
  authorize?: CallAuthorizer;
  /** The gRPC server's limits, so a browser cannot send or ask for more than a gRPC client. */
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
  /**
   * Told of each call refused here (its headers, its input, its caller's streams), which the gRPC
   * server never sees and so never counts: the path (/billing.v1.Service/Method) and the code.
   */
  onRefused?: (path: string, code: Code) => void;
}

export interface BrowserServer {
  port: number;
  /** Stops accepting; waits for in-flight requests up to `timeoutMs`, then drops the connections. */
  close(timeoutMs: number): Promise<'graceful' | 'forced'>;
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const shutdown = new AbortController();
  const serveStatic = staticFiles(options.staticDir);
  const rpc = guardedRpcs(options, shutdown.signal);
  const cors = corsPolicy(options.corsOrigins);
  const server = http.createServer((request, response) => {
    if (cors(request, response)) return;
    if (!rpc(request, response)) serveStatic(request, response);
  });
  const { host, port } = splitHostPort(options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const closed = new Promise<'graceful'>((resolve) => server.close(() => resolve('graceful')));
      // A keep-alive connection whose last response ends after close() is closed as it goes idle.
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      // Calls in flight get the time they need (a watch ends when the gRPC server drains it).
      const forced = new Promise<'forced'>((resolve) => {
        timer = setTimeout(() => {
          shutdown.abort();
          server.closeAllConnections();
          resolve('forced');
        }, timeoutMs);
      });
      const how = await Promise.race([closed, forced]);
      clearTimeout(timer);
      clearInterval(sweeper);
      return how;
    },
  };
}

/** Serves a request to an RPC path (true), or leaves it to the static files (false). */
type RpcHandler = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;

/**
 * connect-node's adapter (connectNodeAdapter), with the request body handed to connect only
 * through the call's authorization and the input checks.
 */
function guardedRpcs(options: BrowserServerOptions, shutdownSignal: AbortSignal): RpcHandler {
  const compressions = [compressionGzip, compressionBrotli];
  const router = createConnectRouter({
    // gRPC proper needs HTTP/2 and has its own port; browsers speak these two.
    grpc: false,
    grpcWeb: true,
    connect: true,
    acceptCompression: compressions,
    readMaxBytes: options.maxReceiveMessageBytes,
    writeMaxBytes: options.maxSendMessageBytes,
    shutdownSignal,
  });
  const onRefused = options.onRefused ?? (() => {});
  forwardingRoutes(options.services, options.upstream, onRefused)(router);
  const handlers = new Map<string, UniversalHandler>(router.handlers.map((h) => [h.requestPath, h]));
  return (request, response) => {
    const path = (request.url ?? '').split('?', 1)[0] ?? '';
    const handler = handlers.get(path);
    if (!handler) return false;
    let universal;
    try {
      universal = universalRequestFromNodeRequest(request, response, undefined, undefined);
    } catch {
      // An HTTP/1.0 request without a Host header: connect cannot build the call's URL.
      response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('no host\n');
      return true;
    }
    // Every value, as the gRPC port sees metadata: two authorization headers are refused, not picked from.
    const verdict = options.authorize
      ? options.authorize(path, request.headersDistinct.authorization ?? [])
      : { code: Code.Unauthenticated, details: 'the console has no token store' };
    const body = verdict
      ? refusedBody(new ConnectError(verdict.details, verdict.code as number))
      : guardedBody(universal.body as AsyncIterable<Uint8Array>, {
          input: handler.method.input,
          header: universal.header,
          readMaxBytes: options.maxReceiveMessageBytes,
          compressions,
        });
    handler({ ...universal, body: reportingRefusal(body, (code) => onRefused(path, code)) })
      .then((answer) => universalResponseToNodeResponse(answer, response))
      .catch((reason: unknown) => {
        // The browser went away (connect-node's adapter ignores this too); anything else is a bug.
        if (ConnectError.from(reason).code !== Code.Aborted) response.destroy(reason as Error);
      });
    return true;
  };
}

/** The body as it was, telling `report` of the refusal it ends with (a guard's or the verdict's). */
async function* reportingRefusal(
  body: AsyncIterable<Uint8Array>,
  report: (code: Code) => void,
): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } catch (error) {
    // Only the checks throw ConnectError here; the browser leaving ends the read otherwise.
    if (error instanceof ConnectError) report(error.code);
    throw error;
  }
}

function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return {
    host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(address.slice(colon + 1)),
  };
}
