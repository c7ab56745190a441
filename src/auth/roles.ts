/** Who may call the service. Each RPC declares the roles it admits (src/transport/grpc/access-policy.ts). */
export const ROLES = ['bridge', 'reservations', 'sales', 'billing', 'finance', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
