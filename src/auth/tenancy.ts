/**
 * Tenancy: a bridge token speaks only for the bridges it is bound to (its `bridgeIds`), so one
 * compromised or misconfigured bridge can neither write CDRs under another bridge's id nor read
 * another bridge's bookings. Other roles are not bound to a bridge: whether they may call an RPC
 * at all is the role table's business (src/transport/grpc/access-policy.ts).
 */
import type { Principal } from './token-store';

/** Whether the principal may act for (send CDRs as, read the bookings of) this bridge. */
export function actsForBridge(principal: Principal, bridgeId: string): boolean {
  return principal.role !== 'bridge' || principal.bridgeIds.includes(bridgeId);
}

/**
 * Whether the principal may see a booking's access codes (host and participant codes): they let
 * anyone into the conference, so only reservations (who issues them), the bridge hosting the
 * booking (which admits callers with them) and admin get them; everyone else sees them empty.
 */
export function seesAccessCodes(principal: Principal, hostingBridgeId: string): boolean {
  if (principal.role === 'reservations' || principal.role === 'admin') return true;
  return principal.role === 'bridge' && principal.bridgeIds.includes(hostingBridgeId);
}

/** Why a bridge token may not act for `bridgeId`, naming both sides so the operator can fix the tokens file. */
export function foreignBridgeReason(principal: Principal, bridgeId: string): string {
  return `bridge token ${JSON.stringify(principal.name)} may not act for bridge ${JSON.stringify(bridgeId)}; it is bound to ${principal.bridgeIds.map((b) => JSON.stringify(b)).join(', ')}`;
}
