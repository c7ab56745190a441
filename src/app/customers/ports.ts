/** What the customer use cases need from storage. */
import type { RequestKey } from '../mutations';
import type { Contract, ContractInput } from './contract';
import type { Customer, CustomerInput } from './customer';

export interface UpsertResult<T> {
  value: T;
  created: boolean;
  changed: boolean;
}

export interface Page<T> {
  rows: T[];
  nextPageToken: string;
}

export interface CustomerStore {
  /**
   * Creates or changes the customer in one transaction with its version history and the request
   * key; a retry of the same request returns the first result. Throws StaleVersionError when
   * `expectedVersion` is set and differs.
   */
  upsertCustomer(
    input: CustomerInput,
    expectedVersion: number,
    key: RequestKey,
  ): Promise<UpsertResult<Customer>>;
  getCustomer(externalId: string): Promise<Customer | undefined>;
  /** The customer as it was at an instant (the version valid then), for documents issued then. */
  customerAsOf(externalId: string, at: Date): Promise<Customer | undefined>;
  listCustomers(query: string, size: number, pageToken?: string): Promise<Page<Customer>>;
  /** FailedPreconditionError when the customer does not exist. */
  upsertContract(
    input: ContractInput,
    expectedVersion: number,
    key: RequestKey,
  ): Promise<UpsertResult<Contract>>;
  /** Latest valid_from first. */
  listContracts(customerExternalId: string, size: number, pageToken?: string): Promise<Page<Contract>>;
}
