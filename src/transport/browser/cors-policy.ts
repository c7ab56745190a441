/**
 * CORS for pages served from other origins (a console under development on Vite's dev server, a
 * portal): only the configured origins get Access-Control-Allow-Origin, and preflights from any
 * other origin are refused. The console's own pages are same-origin and need none of this.
 * The header lists are connect's own (`cors`), plus the bearer token's header.
 */
import type http from 'node:http';
import { cors } from '@connectrpc/connect';

const ALLOWED_HEADERS = [...cors.allowedHeaders, 'Authorization'].join(', ');
const PREFLIGHT_MAX_AGE_SECONDS = '7200';

/** Answers a preflight itself (true) or adds the CORS response headers and lets the call go on. */
export type CorsPolicy = (request: http.IncomingMessage, response: http.ServerResponse) => boolean;

export function corsPolicy(allowedOrigins: readonly string[]): CorsPolicy {
  const allowed = new Set(allowedOrigins);
  return (request, response) => {
    const origin = request.headers.origin;
    const preflight =
      request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    response.setHeader('Vary', 'Origin');
    const admitted = origin !== undefined && allowed.has(origin);
    if (admitted) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Expose-Headers', cors.exposedHeaders.join(', '));
    }
    if (!preflight) return false;
    if (admitted) {
      response.setHeader('Access-Control-Allow-Methods', cors.allowedMethods.join(', '));
      response.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      response.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
      response.writeHead(204).end();
    } else {
      response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('origin not allowed\n');
    }
    return true;
  };
}
