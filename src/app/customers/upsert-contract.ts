/** The sales system creates or changes a contract of an existing customer (idempotent, versioned). */
import { ValidationError } from '../../domain/errors';
import { requestKey } from '../mutations';
import { validateContract, validateContractCurrency, type Contract, type ContractInput } from './contract';
import type { CustomerStore, UpsertResult } from './ports';
import { pricePlanViolation, type PricePlanCatalog } from './price-plans';

export interface UpsertContractDeps {
  customers: Pick<CustomerStore, 'upsertContract'>;
  /** The plans a contract may name (see price-plans.ts); unchecked when absent. */
  pricePlans?: PricePlanCatalog;
}

export async function upsertContract(
  deps: UpsertContractDeps,
  request: { requestId: string; contract: ContractInput | undefined; expectedVersion: number },
): Promise<UpsertResult<Contract>> {
  if (!request.contract) throw new ValidationError([{ field: 'contract', reason: 'required' }]);
  const input = request.contract;
  const violations = validateContract(input);
  const plan = pricePlanViolation(deps.pricePlans, input.pricePlan);
  if (plan) violations.push(plan);
  if (violations.length) throw new ValidationError(violations);
  const key = requestKey('CustomerService.UpsertContract', request.requestId, {
    input,
    expectedVersion: request.expectedVersion,
  });
  return deps.customers.upsertContract(input, request.expectedVersion, key, (customer) =>
    validateContractCurrency(input, customer.currency),
  );
}
