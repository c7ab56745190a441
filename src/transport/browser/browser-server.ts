/**
 * The browser console's HTTP/1.1 server: the console's static files, and every billing RPC over
 * the Connect protocol and gRPC-Web at /billing.v1.<Service>/<Method> (so a connect-web transport
 * whose baseUrl is the page's origin reaches them), each forwarded to the gRPC server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DescService } from '@bufbuild/protobuf';
import type { Transport } from '@connectrpc/connect';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { corsPolicy } from './cors-policy';
import { forwardingRoutes } from './forwarding-routes';
import { staticFiles } from './static-files';

const IDLE_SWEEP_MS = 50;

export interface BrowserServerOptions {
  /** host:port to listen on (`:0` picks a free port). */
  address: string;
  /** The services to offer, exactly those the gRPC server serves. */
  services: readonly DescService[];
  /** Where each call goes: this process's gRPC server (loopback-transport.ts). */
  upstream: Transport;
  /** Other origins allowed to call the RPCs (CORS). */
  corsOrigins: readonly string[];
  /** The built console (index.html, assets/). */
  staticDir: string;
  /** The gRPC server's limits, so a browser cannot send or ask for more than a gRPC client. */
  maxReceiveMessageBytes: number;
  maxSendMessageBytes: number;
}

export interface BrowserServer {
  port: number;
  /** Stops accepting; waits for in-flight requests up to `timeoutMs`, then drops the connections. */
  close(timeoutMs: number): Promise<'graceful' | 'forced'>;
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const shutdown = new AbortController();
  const serveStatic = staticFiles(options.staticDir);
  const rpc = connectNodeAdapter({
    routes: forwardingRoutes(options.services, options.upstream),
    // Typed for HTTP/2 requests as well; this server only ever passes HTTP/1.1 ones.
    fallback: (request, response) =>
      serveStatic(request as http.IncomingMessage, response as http.ServerResponse),
    // gRPC proper needs HTTP/2 and has its own port; browsers speak these two.
    grpc: false,
    grpcWeb: true,
    connect: true,
    readMaxBytes: options.maxReceiveMessageBytes,
    writeMaxBytes: options.maxSendMessageBytes,
    shutdownSignal: shutdown.signal,
  });
  const cors = corsPolicy(options.corsOrigins);
  const server = http.createServer((request, response) => {
    if (!cors(request, response)) rpc(request, response);
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

function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return {
    host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'),
    port: Number(address.slice(colon + 1)),
  };
}
