/**
 * A gRPC connection to this process's own gRPC server, over loopback: the browser routes forward every
 * call through it, so each one passes the server's interceptors and middleware like any other.
 */
import { createGrpcTransport, Http2SessionManager } from '@connectrpc/connect-node';
import type { Connection } from './caller-lanes';

/**
 * `listenAddr`: the gRPC server's configured host:port; `port`: the port it bound. A wildcard host
 * is reached on the loopback address of its family. With TLS the certificate is not checked: the
 * peer is the port this process itself bound a moment ago, and no name in it need match.
 */
export function loopbackConnection(listenAddr: string, port: number, tls: boolean): Connection {
  const baseUrl = `${tls ? 'https' : 'http'}://${loopbackHost(listenAddr)}:${port}`;
  const sessionManager = new Http2SessionManager(
    baseUrl,
    { idleConnectionTimeoutMs: 60_000 },
    tls ? { rejectUnauthorized: false } : {},
  );
  return {
    transport: createGrpcTransport({ baseUrl, sessionManager }),
    close: () => sessionManager.abort(),
  };
}

function loopbackHost(listenAddr: string): string {
  const host = listenAddr.slice(0, listenAddr.lastIndexOf(':'));
  if (host === '' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '[::]') return '[::1]';
  return host;
}
