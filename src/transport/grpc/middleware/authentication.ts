/**
 * Authenticates every call by its bearer token and checks the RPC's roles.
 * Missing or unknown token: UNAUTHENTICATED. Known token, role not admitted: PERMISSION_DENIED.
 * Health and reflection are open (load balancers and tools call them without a token).
 */
import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc';
import type { Principal, TokenStore } from '../../../auth/token-store';
import type { AccessPolicy } from '../access-policy';

export interface AuthContext {
  principal?: Principal;
}

const OPEN_SERVICES = ['/grpc.health.v1.Health/', '/grpc.reflection.v1.ServerReflection/', '/grpc.reflection.v1alpha.ServerReflection/'];

export function authenticationMiddleware(tokens: TokenStore, policy: AccessPolicy) {
  return async function* authenticate<Request, Response>(
    call: ServerMiddlewareCall<Request, Response, AuthContext>,
    context: CallContext,
  ) {
    const path = call.method.path;
    if (OPEN_SERVICES.some((prefix) => path.startsWith(prefix))) {
      return yield* call.next(call.request, context);
    }
    const header = context.metadata.get('authorization');
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new ServerError(Status.UNAUTHENTICATED, 'missing bearer token in the authorization metadata');
    const principal = tokens.authenticate(match[1]);
    if (!principal) throw new ServerError(Status.UNAUTHENTICATED, 'unknown bearer token');
    if (!policy.admits(path, principal.role)) {
      throw new ServerError(Status.PERMISSION_DENIED, `role ${principal.role} may not call ${path.slice(1)}`);
    }
    return yield* call.next(call.request, { ...context, principal });
  };
}
