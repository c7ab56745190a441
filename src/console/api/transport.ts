/** The Connect transport to the service that served the page, sending the bearer token on every call. */
import type { Interceptor, Transport } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-web';

export function createTransport(token: string): Transport {
  const bearer: Interceptor = (next) => (request) => {
    request.header.set('authorization', `Bearer ${token}`);
    return next(request);
  };
  return createConnectTransport({ baseUrl: location.origin, interceptors: [bearer] });
}
