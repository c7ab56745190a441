/**
 * Which roles may call which RPC: one table for the whole API, reviewed in one place. The README's
 * role table and the `Roles:` line of each rpc in proto/billing/v1 are generated from or checked
 * against it (test/server/role-table.test.ts), so they cannot drift.
 *
 * `admin` may call everything. An RPC missing from the table admits nobody but admin (fail closed);
 * a test checks that every RPC of every service is listed. What a role may do inside an RPC it is
 * admitted to (a bridge token only for its own bridge ids; access codes only for reservations and
 * the hosting bridge) is tenancy, in src/auth/tenancy.ts.
 *
 * The roles, in short: `bridge` hands over CDRs and follows its own bookings; `reservations`
 * manages bookings (and reads customers to book for them); `sales` keeps customers and contracts,
 * quotes prices and answers its customers about usage and invoices (read only); `billing` runs
 * periods and invoices and clears the unrated queue; `finance` owns prices: rule sets, re-rating,
 * and reads everything money-related.
 */
import type { Role } from '../../auth/roles';

export interface RpcAccess {
  roles: readonly Exclude<Role, 'admin'>[];
  /** One line: why these roles, for reviewers and the README. */
  why: string;
}

export const ROLE_TABLE: Readonly<Record<string, Readonly<Record<string, RpcAccess>>>> = {
  'billing.v1.CdrIngestService': {
    StreamCdrs: { roles: ['bridge'], why: 'a bridge hands over the CDRs of its own bridge ids' },
    SubmitCdrs: {
      roles: ['bridge'],
      why: 'the same hand-off, unary, for bridges and tools that cannot hold a stream',
    },
    ListUnratedCdrs: {
      roles: ['billing', 'finance'],
      why: 'whoever fixes the data that blocks pricing sees what is blocked',
    },
    RetryUnratedCdrs: {
      roles: ['billing', 'finance'],
      why: 'prices them once the customer, contract or rule is fixed',
    },
  },
  'billing.v1.RatingService': {
    QuoteCall: {
      roles: ['sales', 'billing', 'finance'],
      why: 'sales quotes a price to a client; billing and finance check one',
    },
    GetActiveRuleSet: {
      roles: ['billing', 'finance'],
      why: 'which prices are in force: finance owns them, billing explains charges with them',
    },
    ListRuleSets: {
      roles: ['billing', 'finance'],
      why: 'which rule set priced which charges, for the same people',
    },
    ValidateRuleSet: { roles: ['finance'], why: 'only finance edits rule files' },
    BacktestRuleSet: {
      roles: ['billing', 'finance'],
      why: 'what a rule change would do to past charges, before it goes live or a re-rate',
    },
    ExplainCharge: {
      roles: ['sales', 'billing', 'finance'],
      why: "why a call cost what it cost: sales answers the client's question, billing and finance check it",
    },
  },
  'billing.v1.InvoiceService': {
    GetInvoice: {
      roles: ['sales', 'billing', 'finance'],
      why: 'sales answers its customers about their invoices, read only',
    },
    ListInvoices: { roles: ['sales', 'billing', 'finance'], why: 'the same, to find the invoice' },
    GetRunningCharges: { roles: ['sales', 'billing', 'finance'], why: "a client's usage so far this period" },
    CloseBillingPeriod: { roles: ['billing'], why: 'billing runs the invoicing cycle' },
    IssueInvoice: { roles: ['billing'], why: 'numbering and sending an invoice is an act of billing' },
    CreateCreditNote: { roles: ['billing'], why: 'billing corrects the invoices it issued' },
    RerateCharges: {
      roles: ['billing', 'finance'],
      why: 'finance re-prices after a rule fix; billing after a contract fix',
    },
    RenderInvoiceDocument: {
      roles: ['sales', 'billing', 'finance'],
      why: 'the PDF of an invoice the role may read',
    },
    ExportBookkeeping: {
      roles: ['billing', 'finance'],
      why: 'the first export of a month closes it to numbering and records the file the books import: an act of the books, not a read',
    },
    GetMailingList: {
      roles: ['sales', 'billing', 'finance'],
      why: "who gets the month's invoices by post or e-mail: contact data these roles already read",
    },
  },
  'billing.v1.CustomerService': {
    UpsertCustomer: { roles: ['sales'], why: 'the sales system owns customers' },
    GetCustomer: {
      roles: ['reservations', 'sales', 'billing', 'finance'],
      why: 'reservations books for a customer; billing and finance invoice it',
    },
    ListCustomers: {
      roles: ['reservations', 'sales', 'billing', 'finance'],
      why: 'the same, to find the customer',
    },
    UpsertContract: { roles: ['sales'], why: 'the sales system owns contracts' },
    ListContracts: {
      roles: ['sales', 'billing', 'finance'],
      why: "prices agreed with a customer; none of reservations' business",
    },
  },
  'billing.v1.BookingService': {
    CreateBooking: { roles: ['reservations'], why: 'reservations enters a booking once' },
    UpdateBooking: { roles: ['reservations'], why: 'reservations changes the bookings it entered' },
    CancelBooking: { roles: ['reservations'], why: 'reservations cancels them' },
    GetBooking: {
      roles: ['bridge', 'reservations', 'sales', 'billing'],
      why: 'a bridge reads its own bookings; sales and billing follow up a report entry, without access codes',
    },
    ListUpcomingBookings: {
      roles: ['bridge', 'reservations'],
      why: 'a bridge lists its own bookings; reservations any',
    },
    WatchBookings: { roles: ['bridge'], why: 'a bridge follows the changes to its own bookings' },
    GetReconciliationReport: {
      roles: ['sales', 'billing', 'finance'],
      why: 'no-shows, unbooked calls and overruns to bill or raise with the client, without access codes',
    },
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
    return (ROLE_TABLE[service]?.[method]?.roles as readonly Role[] | undefined)?.includes(role) ?? false;
  },
  rolesFor(service, method) {
    const roles = ROLE_TABLE[service]?.[method]?.roles;
    return roles && [...roles];
  },
};
