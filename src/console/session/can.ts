/**
 * What a role may call, from the service's own role table (src/transport/grpc/access-policy.ts), so
 * the console hides exactly the actions the service would refuse. The service still decides: a
 * refusal it sends is shown as it comes.
 */
import type { Role } from '../../auth/roles';
import { ROLE_TABLE } from '../../transport/grpc/access-policy';

export type Service =
  'InvoiceService' | 'CustomerService' | 'RatingService' | 'CdrIngestService' | 'BookingService';

export function can(role: Role, service: Service, method: string): boolean {
  if (role === 'admin') return true;
  const roles = ROLE_TABLE[`billing.v1.${service}`]?.[method]?.roles as readonly Role[] | undefined;
  return roles?.includes(role) ?? false;
}
