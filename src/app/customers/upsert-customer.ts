/** The sales system creates or changes a customer by its external id (idempotent, versioned). */
import { ValidationError } from '../../domain/errors';
import { quoteForMessage } from '../../domain/quote-value';
import { requestKey } from '../mutations';
import { contentOf, validateCustomer, type Customer, type CustomerInput } from './customer';
import type { CustomerStore, UpsertResult } from './ports';

export interface UpsertCustomerDeps {
  customers: Pick<CustomerStore, 'upsertCustomer' | 'knowsTimeZone'>;
}

export async function upsertCustomer(
  deps: UpsertCustomerDeps,
  request: { requestId: string; customer: CustomerInput | undefined; expectedVersion: number },
): Promise<UpsertResult<Customer>> {
  if (!request.customer) throw new ValidationError([{ field: 'customer', reason: 'required' }]);
  const input = contentOf(request.customer);
  const violations = validateCustomer(input);
  if (violations.length) throw new ValidationError(violations);
  if (!(await deps.customers.knowsTimeZone(input.timeZone)))
    throw new ValidationError([
      {
        field: 'customer.time_zone',
        reason: `${quoteForMessage(input.timeZone)} is not in the database's time zone data, which dates running charges`,
      },
    ]);
  const key = requestKey('CustomerService.UpsertCustomer', request.requestId, {
    input,
    expectedVersion: request.expectedVersion,
  });
  return deps.customers.upsertCustomer(input, request.expectedVersion, key);
}
