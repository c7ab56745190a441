/** The sales system's use cases: customers and contracts, upserted by their external ids. */
import { NotFoundError, ValidationError } from '../../domain/errors';
import { pageSize } from '../paging';
import { requestKey } from '../mutations';
import { quoteForMessage } from '../../domain/quote-value';
import { validateContract, validateContractCurrency, type Contract, type ContractInput } from './contract';
import { contentOf, validateCustomer, type Customer, type CustomerInput } from './customer';
import type { CustomerStore, Page, UpsertResult } from './ports';
import { pricePlanViolation, type PricePlanCatalog } from './price-plans';

export async function upsertCustomer(
  store: CustomerStore,
  request: { requestId: string; customer: CustomerInput | undefined; expectedVersion: number },
): Promise<UpsertResult<Customer>> {
  if (!request.customer) throw new ValidationError([{ field: 'customer', reason: 'required' }]);
  const input = contentOf(request.customer);
  const violations = validateCustomer(input);
  if (violations.length) throw new ValidationError(violations);
  const key = requestKey('CustomerService.UpsertCustomer', request.requestId, {
    input,
    expectedVersion: request.expectedVersion,
  });
  return store.upsertCustomer(input, request.expectedVersion, key);
}

export async function getCustomer(store: CustomerStore, externalId: string): Promise<Customer> {
  if (!externalId) throw new ValidationError([{ field: 'external_id', reason: 'required' }]);
  const customer = await store.getCustomer(externalId);
  if (!customer) throw new NotFoundError(`no customer with external_id ${quoteForMessage(externalId)}`);
  return customer;
}

export function listCustomers(
  store: CustomerStore,
  request: { query: string; pageSize: number; pageToken: string },
): Promise<Page<Customer>> {
  return store.listCustomers(
    request.query.trim(),
    pageSize(request.pageSize),
    request.pageToken || undefined,
  );
}

/** `pricePlans`: the plans a contract may name (see price-plans.ts); unchecked when absent. */
export async function upsertContract(
  store: CustomerStore,
  request: { requestId: string; contract: ContractInput | undefined; expectedVersion: number },
  pricePlans?: PricePlanCatalog,
): Promise<UpsertResult<Contract>> {
  if (!request.contract) throw new ValidationError([{ field: 'contract', reason: 'required' }]);
  const input = request.contract;
  const violations = validateContract(input);
  const plan = pricePlanViolation(pricePlans, input.pricePlan);
  if (plan) violations.push(plan);
  if (violations.length) throw new ValidationError(violations);
  const key = requestKey('CustomerService.UpsertContract', request.requestId, {
    input,
    expectedVersion: request.expectedVersion,
  });
  return store.upsertContract(input, request.expectedVersion, key, (customer) =>
    validateContractCurrency(input, customer.currency),
  );
}

export async function listContracts(
  store: CustomerStore,
  request: { customerExternalId: string; pageSize: number; pageToken: string },
): Promise<Page<Contract>> {
  if (!request.customerExternalId)
    throw new ValidationError([{ field: 'customer_external_id', reason: 'required' }]);
  const size = pageSize(request.pageSize);
  if (!request.pageToken && !(await store.getCustomer(request.customerExternalId))) {
    throw new NotFoundError(`no customer with external_id ${quoteForMessage(request.customerExternalId)}`);
  }
  return store.listContracts(request.customerExternalId, size, request.pageToken || undefined);
}
