/** Creates customers through CustomerService, as the sales system would, before CDRs arrive for them. */
import type { Client } from 'nice-grpc';
import type { Contract, CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';

export async function createCustomers(
  sales: Client<typeof CustomerServiceDefinition>,
  accounts: string[],
  overrides: { currencyCode?: string; timeZone?: string } = {},
): Promise<void> {
  for (const account of accounts) {
    await sales.upsertCustomer({
      requestId: `create-${account}`,
      expectedVersion: 0,
      customer: {
        externalId: account,
        name: `Customer ${account} AB`,
        billingAddress: {
          lines: ['Sveavägen 1'],
          postalCode: '111 57',
          city: 'Stockholm',
          countryCode: 'SE',
        },
        email: `billing@${account.toLowerCase()}.example`,
        vatNumber: 'SE556000000101',
        countryCode: 'SE',
        currencyCode: overrides.currencyCode ?? 'EUR',
        timeZone: overrides.timeZone ?? 'Europe/Stockholm',
        paymentTermsDays: 30,
        registrationNumber: '556000-0001',
        version: 0,
      },
    });
  }
}

/**
 * A contract of `account` with nothing of its own (list prices, no discount, monthly from the 1st),
 * valid from 2026-01-01: what a test changes is in `overrides`.
 */
export function plainContract(account: string, overrides: Partial<Contract> = {}): Contract {
  return {
    externalId: `k-${account}`,
    customerExternalId: account,
    pricePlan: '',
    discountPercent: '',
    specialPrices: [],
    includedMinutes: '',
    billingCycle: 0,
    anchorDay: 0,
    validFrom: new Date('2026-01-01T00:00:00Z'),
    version: 0,
    ...overrides,
  };
}
