/** What the customer use cases need from storage. */
import type { Contract, ContractInput } from '../../domain/contracts/contract';
import type { Customer, CustomerInput } from '../../domain/customers/customer';
import type { FieldViolation } from '../../domain/errors';
import type { RequestKey } from '../mutations';

/**
 * The checks of a contract that need its customer (every amount in the customer's currency), run by
 * the store inside its transaction while the customer row is locked; validation itself stays in app.
 */
export type ContractCustomerCheck = (customer: { currency: string }) => FieldViolation[];

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
  /**
   * Whether the database knows this IANA zone: its SQL dates customers' running totals in their
   * zones, and ICU (which validated the name) may know zones its time zone data lacks.
   */
  knowsTimeZone(zone: string): Promise<boolean>;
  getCustomer(externalId: string): Promise<Customer | undefined>;
  /** The customer as it was at an instant (the version valid then), for documents issued then. */
  customerAsOf(externalId: string, at: Date): Promise<Customer | undefined>;
  listCustomers(query: string, size: number, pageToken?: string): Promise<Page<Customer>>;
  /**
   * FailedPreconditionError when the customer does not exist or the contract belongs to another
   * customer; ValidationError with what `check` found against the customer.
   */
  upsertContract(
    input: ContractInput,
    expectedVersion: number,
    key: RequestKey,
    check: ContractCustomerCheck,
  ): Promise<UpsertResult<Contract>>;
  /** Latest valid_from first. */
  listContracts(customerExternalId: string, size: number, pageToken?: string): Promise<Page<Contract>>;
}
