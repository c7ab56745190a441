/**
 * Which roles may call which RPC: one table for the whole API, reviewed in one place.
 * `admin` may call everything. An RPC missing from the table admits nobody but admin (fail closed);
 * a test checks that every RPC of every service is listed.
 */
import type { Role } from '../../auth/roles';

const POLICY: Record<string, Record<string, Role[]>> = {
  'billing.v1.CdrIngestService': {
    StreamCdrs: ['bridge'],
    SubmitCdrs: ['bridge'],
    ListUnratedCdrs: ['billing', 'finance'],
    RetryUnratedCdrs: ['billing', 'finance'],
  },
  'billing.v1.RatingService': {
    QuoteCall: ['sales', 'billing', 'finance'],
    GetActiveRuleSet: ['billing', 'finance'],
    ListRuleSets: ['billing', 'finance'],
    ValidateRuleSet: ['finance'],
  },
  'billing.v1.InvoiceService': {
    GetInvoice: ['billing', 'finance'],
    ListInvoices: ['billing', 'finance'],
    GetRunningCharges: ['sales', 'billing', 'finance'],
    CloseBillingPeriod: ['billing'],
    IssueInvoice: ['billing'],
    CreateCreditNote: ['billing'],
    RerateCharges: ['billing', 'finance'],
    RenderInvoiceDocument: ['billing', 'finance'],
  },
  'billing.v1.CustomerService': {
    UpsertCustomer: ['sales'],
    GetCustomer: ['sales', 'billing', 'finance', 'reservations'],
    ListCustomers: ['sales', 'billing', 'finance', 'reservations'],
    UpsertContract: ['sales'],
    ListContracts: ['sales', 'billing', 'finance'],
  },
  'billing.v1.BookingService': {
    CreateBooking: ['reservations'],
    UpdateBooking: ['reservations'],
    CancelBooking: ['reservations'],
    GetBooking: ['reservations', 'bridge', 'billing'],
    ListUpcomingBookings: ['reservations', 'bridge'],
    WatchBookings: ['bridge'],
    GetReconciliationReport: ['billing', 'finance', 'sales'],
  },
};

export interface AccessPolicy {
  /** `path` is the gRPC method path, `/billing.v1.Service/Method`. */
  admits(path: string, role: Role): boolean;
  /** The roles listed for a method (without admin), for docs and tests. */
  rolesFor(service: string, method: string): Role[] | undefined;
}

export const accessPolicy: AccessPolicy = {
  admits(path, role) {
    if (role === 'admin') return true;
    const [, service = '', method = ''] = path.split('/');
    return POLICY[service]?.[method]?.includes(role) ?? false;
  },
  rolesFor: (service, method) => POLICY[service]?.[method],
};
