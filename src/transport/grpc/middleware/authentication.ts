/**
 * Authenticates every call by its bearer token and checks the RPC's roles, by the same decision
 * the server takes before reading a call's messages (authorize-call.ts), and hands the principal to
 * the handlers for the checks that depend on the request itself: tenancy (a bridge token acts only
 * for its own bridge ids) and which booking fields a caller may see.
 * No authorization header: UNAUTHENTICATED "missing ..."; a header not of the form `Bearer <token>`
 * (or a token over 4096 characters): UNAUTHENTICATED "malformed ..."; an unknown token:
 * UNAUTHENTICATED. Known token, role not admitted: PERMISSION_DENIED. Health and reflection are open.
 */
import { ServerError, Status, type CallContext, type ServerMiddlewareCall } from 'nice-grpc';
import { actsForBridge, foreignBridgeReason } from '../../../auth/tenancy';
import type { Principal, TokenStore } from '../../../auth/token-store';
import type { AccessPolicy } from '../access-policy';
import { authorizeCall } from '../authorize-call';

export interface AuthContext {
  principal?: Principal;
}

export function authenticationMiddleware(tokens: TokenStore, policy: AccessPolicy) {
  return async function* authenticate<Request, Response>(
    call: ServerMiddlewareCall<Request, Response, AuthContext>,
    context: CallContext,
  ) {
    const verdict = authorizeCall(tokens, policy, call.method.path, context.metadata.getAll('authorization'));
    if (verdict.kind === 'refused') throw new ServerError(verdict.code, verdict.details);
    const next = verdict.kind === 'admitted' ? { ...context, principal: verdict.principal } : context;
    return yield* call.next(call.request, next);
  };
}

/** The authenticated caller. Every billing RPC passes the middleware above; without one, fail closed. */
export function principalOf(context: AuthContext): Principal {
  if (!context.principal) throw new ServerError(Status.UNAUTHENTICATED, 'no authenticated caller');
  return context.principal;
}

/** PERMISSION_DENIED unless the caller may act for `bridgeId` (a bridge token: only its own bridges). */
export function requireBridgeAccess(principal: Principal, bridgeId: string, field: string): void {
  if (!actsForBridge(principal, bridgeId))
    throw new ServerError(Status.PERMISSION_DENIED, `${field}: ${foreignBridgeReason(principal, bridgeId)}`);
}
