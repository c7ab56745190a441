/**
 * The role table (access-policy.ts) as documentation: the README block between the role-table
 * markers and the `Roles:` line each rpc carries in proto/billing/v1. Both are derived here, and
 * test/server/role-table.test.ts fails (printing the expected text) when either drifts.
 */
import { ROLES, type Role } from '../../auth/roles';
import { ROLE_TABLE } from './access-policy';

export const README_BEGIN = '<!-- roles:begin -->';
export const README_END = '<!-- roles:end -->';

/** The roles the table lists per RPC; admin is implied everywhere. */
export const LISTED_ROLES = ROLES.filter((r): r is Exclude<Role, 'admin'> => r !== 'admin');

/** The markdown table for the README, markers included: one row per RPC, one column per role. */
export function renderRoleTable(): string {
  const rows = Object.entries(ROLE_TABLE).flatMap(([service, methods]) =>
    Object.entries(methods).map(([method, access]) => {
      const marks = LISTED_ROLES.map((role) => (access.roles.includes(role) ? 'yes' : ''));
      return `| \`${service.replace(/^billing\.v1\./, '')}.${method}\` | ${marks.join(' | ')} | ${access.why} |`;
    }),
  );
  return [
    README_BEGIN,
    `| RPC | ${LISTED_ROLES.join(' | ')} | why |`,
    `| --- | ${LISTED_ROLES.map(() => ':---:').join(' | ')} | --- |`,
    ...rows,
    README_END,
  ].join('\n');
}

/** The comment line an rpc carries in its .proto, roles in the order of ROLES, e.g. `Roles: sales, billing, finance.` */
export function protoRolesLine(service: string, method: string): string | undefined {
  const access = ROLE_TABLE[service]?.[method];
  return access && `Roles: ${LISTED_ROLES.filter((r) => access.roles.includes(r)).join(', ')}.`;
}
