/**
 * The console's built files (Vite's output: index.html and hashed files under assets/), for every
 * path that is not an RPC. A path without a file extension that names no file is a route of the
 * single-page app and gets index.html. Nothing outside the directory is ever served.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';

/** Scripts, styles and requests only from this origin; inline styles, which React libraries use. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/** Vite names what it emits under assets/ by content hash: such a file never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const NOT_BUILT_MESSAGE = 'console not built: npm run build\n';

export function staticFiles(
  directory: string,
): (request: http.IncomingMessage, response: http.ServerResponse) => void {
  const root = path.resolve(directory);
  return (request, response) => {
    setSecurityHeaders(response);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return plain(response, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    }
    const file = resolveInside(root, request.url ?? '/');
    if (file === undefined) return plain(response, 400, 'bad path\n');
    const index = path.join(root, 'index.html');
    if (!isFile(index)) return plain(response, 503, NOT_BUILT_MESSAGE);
    if (isFile(file)) return send(request, response, file, cacheControl(root, file));
    if (path.extname(file) !== '') return plain(response, 404, 'not found\n');
    return send(request, response, index, 'no-cache');
  };
}

/** The file a URL path names inside root, or undefined when it is malformed or escapes root. */
function resolveInside(root: string, url: string): string | undefined {
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.split('?', 1)[0] ?? '/');
  } catch {
    return undefined;
  }
  if (!pathname.startsWith('/') || pathname.includes('\0') || pathname.includes('\\')) return undefined;
  if (pathname.split('/').some((segment) => segment === '..')) return undefined;
  const file = path.resolve(root, `.${pathname}`);
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  return pathname.endsWith('/') ? path.join(file, 'index.html') : file;
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function cacheControl(root: string, file: string): string {
  return file.startsWith(path.join(root, 'assets') + path.sep) ? IMMUTABLE : 'no-cache';
}

function send(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  file: string,
  cache: string,
): void {
  const size = fs.statSync(file).size;
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': cache,
  });
  if (request.method === 'HEAD') return void response.end();
  fs.createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
}

function setSecurityHeaders(response: http.ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
}

function plain(
  response: http.ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response
    .writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-cache',
      ...headers,
    })
    .end(body);
}
