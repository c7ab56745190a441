/** Pricing facts of the customers of an ingest batch: their zone, currency and every contract. */
import type { CustomerDirectory, CustomerPricingFacts } from '../app/ingest/ports';
import { loadCustomersWithContracts } from './customer-contracts-query';
import type { Database } from './database';

export class PostgresCustomerDirectory implements CustomerDirectory {
  constructor(private readonly database: Database) {}

  async pricingFacts(accounts: string[]): Promise<Map<string, CustomerPricingFacts>> {
    const facts = new Map<string, CustomerPricingFacts>();
    if (!accounts.length) return facts;
    const found = await loadCustomersWithContracts(this.database.orm.em.fork(), accounts);
    for (const [account, { customer, contracts }] of found) {
      facts.set(account, {
        timeZone: customer.timeZone,
        currency: customer.currencyCode,
        contracts: contracts.map((k) => ({
          id: k.externalId,
          validFrom: k.validFrom,
          validTo: k.validTo,
          pricePlan: k.pricePlan,
          discountPercent: k.discountPercent,
          specialPrices: k.specialPrices.map((p) => ({
            accessType: p.accessType,
            ...(p.zone ? { zone: p.zone } : {}),
            ratePerMinute: p.ratePerMinute,
          })),
        })),
      });
    }
    return facts;
  }
}
