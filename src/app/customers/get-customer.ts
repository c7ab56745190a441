import { NotFoundError, ValidationError } from '../../domain/errors';
import { quoteForMessage } from '../../domain/quote-value';
import type { Customer } from './customer';
import type { CustomerStore } from './ports';

export interface GetCustomerDeps {
  customers: Pick<CustomerStore, 'getCustomer'>;
}

export async function getCustomer(deps: GetCustomerDeps, externalId: string): Promise<Customer> {
  if (!externalId) throw new ValidationError([{ field: 'external_id', reason: 'required' }]);
  const customer = await deps.customers.getCustomer(externalId);
  if (!customer) throw new NotFoundError(`no customer with external_id ${quoteForMessage(externalId)}`);
  return customer;
}
