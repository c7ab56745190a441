/** CustomerService: the sales system keeps customers and contracts here, keyed by its own ids. */
import * as useCases from '../../../app/customers/customer-use-cases';
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
  const store = deps.customers;
  const implemented: CustomerServiceImplementation = {
    async upsertCustomer(request) {
      const result = await useCases.upsertCustomer(store, {
        requestId: request.requestId,
        customer: request.customer && customerInputFromProto(request.customer),
        expectedVersion: request.expectedVersion,
      });
      return { customer: customerToProto(result.value), created: result.created, changed: result.changed };
    },
    async getCustomer(request) {
      return { customer: customerToProto(await useCases.getCustomer(store, request.externalId)) };
    },
    async listCustomers(request) {
      const page = await useCases.listCustomers(store, request);
      return { customers: page.rows.map(customerToProto), nextPageToken: page.nextPageToken };
    },
    async upsertContract(request) {
      const result = await useCases.upsertContract(
        store,
        {
          requestId: request.requestId,
          contract: request.contract && contractInputFromProto(request.contract),
          expectedVersion: request.expectedVersion,
        },
        deps.pricePlans,
      );
      return { contract: contractToProto(result.value), created: result.created, changed: result.changed };
    },
    async listContracts(request) {
      const page = await useCases.listContracts(store, request);
      return { contracts: page.rows.map(contractToProto), nextPageToken: page.nextPageToken };
    },
  };
  return bindService(CustomerServiceDefinition, {
    ...unimplementedMethods(CustomerServiceDefinition),
    ...implemented,
  });
}
