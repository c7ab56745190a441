/**
 * Pricing facts of the customers of an ingest batch: their zone, currency and every contract's
 * pricing terms. Ingest asks once per batch for hundreds of accounts, so this is its own narrow
 * statement mapped by hand: reading whole customers and contracts through the ORM's entity mapping
 * cost 9 % of the service's CPU while streaming (issue 14).
 */
import type { CustomerDirectory, CustomerPricingFacts } from '../app/ingest/ports';
import type { AccessType } from '../domain/cdr';
import type { Database } from './database';
import { json, rowsOf } from './sql-helpers';

const PRICING_FACTS = `
select c.external_id, c.time_zone, c.currency, coalesce((
  select jsonb_agg(jsonb_build_object(
    'id', k.external_id, 'validFrom', k.valid_from, 'validTo', k.valid_to, 'pricePlan', k.price_plan,
    'discountPercent', k.discount_percent::text, 'specialPrices', k.special_prices) order by k.valid_from, k.id)
  from contracts k where k.customer_external_id = c.external_id), '[]'::jsonb) as contracts
from customers c
where c.external_id = any(array(select jsonb_array_elements_text(?::jsonb)))`;

interface FactsRow {
  external_id: string;
  time_zone: string;
  currency: string;
  contracts: unknown;
}

interface ContractTerms {
  id: string;
  validFrom: string;
  validTo: string | null;
  pricePlan: string | null;
  discountPercent: string | null;
  specialPrices: { accessType: string; zone?: string | null; ratePerMinute: string }[] | null;
}

export class PostgresCustomerDirectory implements CustomerDirectory {
  constructor(private readonly database: Database) {}

  async pricingFacts(accounts: string[]): Promise<Map<string, CustomerPricingFacts>> {
    const facts = new Map<string, CustomerPricingFacts>();
    if (!accounts.length) return facts;
    const knex = this.database.orm.em.getKnex();
    const rows = rowsOf<FactsRow>(await knex.raw(PRICING_FACTS, [JSON.stringify([...new Set(accounts)])]));
    for (const row of rows) {
      facts.set(row.external_id, {
        timeZone: row.time_zone,
        currency: row.currency,
        contracts: json<ContractTerms[]>(row.contracts).map((k) => ({
          id: k.id,
          validFrom: new Date(k.validFrom),
          ...(k.validTo ? { validTo: new Date(k.validTo) } : {}),
          ...(k.pricePlan !== null ? { pricePlan: k.pricePlan } : {}),
          ...(k.discountPercent !== null ? { discountPercent: k.discountPercent } : {}),
          specialPrices: (k.specialPrices ?? []).map((p) => ({
            accessType: p.accessType as AccessType,
            ...(p.zone ? { zone: p.zone } : {}),
            ratePerMinute: p.ratePerMinute,
          })),
        })),
      });
    }
    return facts;
  }
}
