/**
 * Which role a token has. The API has no "who am I" call, so the console asks the service: five
 * calls that change nothing (lists of one, or requests the service refuses as invalid before doing
 * anything) tell admitted from PERMISSION_DENIED, and the role table says which role admits exactly
 * that pattern. A refused token fails every call with UNAUTHENTICATED, which is thrown.
 */
import { Code, ConnectError } from '@connectrpc/connect';
import { ROLES, type Role } from '../../auth/roles';
import type { Clients } from '../api/clients';
import { can, type Service } from './can';

interface Probe {
  service: Service;
  method: string;
  call(clients: Clients): Promise<unknown>;
}

const PROBES: Probe[] = [
  {
    service: 'InvoiceService',
    method: 'ListInvoices',
    call: (c) => c.invoices.listInvoices({ pageSize: 1 }),
  },
  {
    service: 'CustomerService',
    method: 'ListCustomers',
    call: (c) => c.customers.listCustomers({ pageSize: 1 }),
  },
  // No request id and no period: INVALID_ARGUMENT for billing before anything happens.
  {
    service: 'InvoiceService',
    method: 'CloseBillingPeriod',
    call: (c) => c.invoices.closeBillingPeriod({}),
  },
  // No customer: INVALID_ARGUMENT for sales.
  {
    service: 'CustomerService',
    method: 'UpsertCustomer',
    call: (c) => c.customers.upsertCustomer({}),
  },
  // No files: a validation answer, nothing loaded.
  {
    service: 'RatingService',
    method: 'ValidateRuleSet',
    call: (c) => c.rating.validateRuleSet({ files: [] }),
  },
  {
    service: 'BookingService',
    method: 'ListUpcomingBookings',
    call: (c) => c.bookings.listUpcomingBookings({}),
  },
];

export async function identifyRole(clients: Clients): Promise<Role> {
  const admitted = await Promise.all(
    PROBES.map(async (probe) => {
      try {
        await probe.call(clients);
        return true;
      } catch (error) {
        const e = ConnectError.from(error);
        if (e.code === Code.PermissionDenied) return false;
        if (e.code === Code.Unauthenticated) throw e;
        return true;
      }
    }),
  );
  const role = ROLES.find((r) => PROBES.every((p, i) => can(r, p.service, p.method) === admitted[i]));
  if (!role) throw new Error('The service admitted a combination of calls no known role has.');
  return role;
}
