import { pageSize } from '../paging';
import type { Customer } from './customer';
import type { CustomerStore, Page } from './ports';

export interface ListCustomersDeps {
  customers: Pick<CustomerStore, 'listCustomers'>;
}

export function listCustomers(
  deps: ListCustomersDeps,
  request: { query: string; pageSize: number; pageToken: string },
): Promise<Page<Customer>> {
  return deps.customers.listCustomers(
    request.query.trim(),
    pageSize(request.pageSize),
    request.pageToken || undefined,
  );
}
