import { NotFoundError, ValidationError } from '../../domain/errors';
import { quoteForMessage } from '../../domain/quote-value';
import { pageSize } from '../paging';
import type { Contract } from './contract';
import type { CustomerStore, Page } from './ports';

export interface ListContractsDeps {
  customers: Pick<CustomerStore, 'getCustomer' | 'listContracts'>;
}

export async function listContracts(
  deps: ListContractsDeps,
  request: { customerExternalId: string; pageSize: number; pageToken: string },
): Promise<Page<Contract>> {
  if (!request.customerExternalId)
    throw new ValidationError([{ field: 'customer_external_id', reason: 'required' }]);
  const size = pageSize(request.pageSize);
  if (!request.pageToken && !(await deps.customers.getCustomer(request.customerExternalId))) {
    throw new NotFoundError(`no customer with external_id ${quoteForMessage(request.customerExternalId)}`);
  }
  return deps.customers.listContracts(request.customerExternalId, size, request.pageToken || undefined);
}
