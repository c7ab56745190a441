/**
 * The one decision on who may make a call, from its headers alone: used before any message is
 * read (interceptors/authorize-before-read.ts) and again to hand the principal to the handler
 * (middleware/authentication.ts), so both always agree.
 */
import { Status } from 'nice-grpc';
import { MALFORMED_AUTHORIZATION, readBearer } from '../../auth/bearer';
import type { Principal, TokenStore } from '../../auth/token-store';
import type { AccessPolicy } from './access-policy';

/** Health and reflection are open: load balancers and tools call them without a token. */
const OPEN_SERVICES = [
  '/grpc.health.v1.Health/',
  '/grpc.reflection.v1.ServerReflection/',
  '/grpc.reflection.v1alpha.ServerReflection/',
];

export type CallVerdict =
  | { kind: 'open' }
  | { kind: 'admitted'; principal: Principal }
  | { kind: 'refused'; code: Status; details: string };

/** `authorization`: every value of the call's `authorization` metadata. */
export function authorizeCall(
  tokens: TokenStore,
  policy: AccessPolicy,
  path: string,
  authorization: readonly unknown[],
): CallVerdict {
  if (OPEN_SERVICES.some((prefix) => path.startsWith(prefix))) return { kind: 'open' };
  const bearer = readBearer(authorization);
  if (bearer.kind === 'missing')
    return refused(Status.UNAUTHENTICATED, 'missing bearer token in the authorization metadata');
  if (bearer.kind === 'malformed') return refused(Status.UNAUTHENTICATED, MALFORMED_AUTHORIZATION);
  const principal = tokens.authenticate(bearer.token);
  if (!principal) return refused(Status.UNAUTHENTICATED, 'unknown bearer token');
  if (!policy.admits(path, principal.role))
    return refused(Status.PERMISSION_DENIED, `role ${principal.role} may not call ${path.slice(1)}`);
  return { kind: 'admitted', principal };
}

function refused(code: Status, details: string): CallVerdict {
  return { kind: 'refused', code, details };
}
