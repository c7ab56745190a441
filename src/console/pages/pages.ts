/** The console's pages and who sees each: a page shows when the role may make its main read call. */
import type { Role } from '../../auth/roles';
import { can, type Service } from '../session/can';

export interface PageInfo {
  path: string;
  title: string;
  service: Service;
  method: string;
}

export const PAGES: PageInfo[] = [
  { path: 'invoices', title: 'Invoices', service: 'InvoiceService', method: 'ListInvoices' },
  { path: 'periods', title: 'Periods', service: 'BookingService', method: 'GetReconciliationReport' },
  { path: 'customers', title: 'Customers', service: 'CustomerService', method: 'ListCustomers' },
  { path: 'rules', title: 'Rules', service: 'RatingService', method: 'QuoteCall' },
  { path: 'unrated', title: 'Unrated CDRs', service: 'CdrIngestService', method: 'ListUnratedCdrs' },
];

export function pagesFor(role: Role): PageInfo[] {
  return PAGES.filter((p) => can(role, p.service, p.method));
}
