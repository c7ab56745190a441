/** CustomerService: the sales system keeps customers and contracts here, keyed by its own ids. */
import { getCustomer } from '../../../app/customers/get-customer';
import { listContracts } from '../../../app/customers/list-contracts';
import { listCustomers } from '../../../app/customers/list-customers';
import { upsertContract } from '../../../app/customers/upsert-contract';
import { upsertCustomer } from '../../../app/customers/upsert-customer';
import type { CustomerStore } from '../../../app/customers/ports';
import type { PricePlanCatalog } from '../../../app/customers/price-plans';
import {
  CustomerServiceDefinition,
  type CustomerServiceImplementation,
} from '../../../gen/billing/v1/customer_service';
import { bindService, type ServiceBinding } from '../grpc-server';
import { unimplementedMethods } from '../unimplemented';
import {
  contractInputFromProto,
  contractToProto,
  customerInputFromProto,
  customerToProto,
} from '../mappers/customer-mapper';

export interface CustomerServiceDeps {
  customers: CustomerStore;
  /** The price plans contracts may name (livePricePlans(rating)); unchecked until wired. */
  pricePlans?: PricePlanCatalog;
}

export function customerService(deps: CustomerServiceDeps): ServiceBinding {
  const implemented: CustomerServiceImplementation = {
    async upsertCustomer(request) {
      const result = await upsertCustomer(deps, {
        requestId: request.requestId,
        customer: request.customer && customerInputFromProto(request.customer),
        expectedVersion: request.expectedVersion,
      });
      return { customer: customerToProto(result.value), created: result.created, changed: result.changed };
    },
    async getCustomer(request) {
      return { customer: customerToProto(await getCustomer(deps, request.externalId)) };
    },
    async listCustomers(request) {
      const page = await listCustomers(deps, request);
      return { customers: page.rows.map(customerToProto), nextPageToken: page.nextPageToken };
    },
    async upsertContract(request) {
      const result = await upsertContract(deps, {
        requestId: request.requestId,
        contract: request.contract && contractInputFromProto(request.contract),
        expectedVersion: request.expectedVersion,
      });
      return { contract: contractToProto(result.value), created: result.created, changed: result.changed };
    },
    async listContracts(request) {
      const page = await listContracts(deps, request);
      return { contracts: page.rows.map(contractToProto), nextPageToken: page.nextPageToken };
    },
  };
  return bindService(CustomerServiceDefinition, {
    ...unimplementedMethods(CustomerServiceDefinition),
    ...implemented,
  });
}
