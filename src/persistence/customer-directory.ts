/**
 * Pricing facts for the accounts of a CDR batch: time zone, currency and every contract, in ONE
 * query for the whole batch (accounts travel as one JSON parameter).
 */
import type { CustomerDirectory, CustomerPricingFacts } from '../app/ingest/ports';
import type { AccessType } from '../domain/cdr';
import type { Database } from './database';
import { json, rowsOf, toDate } from './sql-helpers';

const PRICING_FACTS = `
select c.external_id, c.time_zone, c.currency,
       coalesce(jsonb_agg(jsonb_build_object(
         'id', k.external_id,
         'validFrom', k.valid_from,
         'validTo', k.valid_to,
         'pricePlan', k.price_plan,
         'discountPercent', k.discount_percent::text,
         'specialPrices', k.special_prices) order by k.valid_from) filter (where k.id is not null), '[]'::jsonb) as contracts
from customers c
left join contracts k on k.customer_external_id = c.external_id
where c.external_id in (select jsonb_array_elements_text(?::jsonb))
group by c.id, c.external_id, c.time_zone, c.currency`;

interface Row {
  external_id: string;
  time_zone: string;
  currency: string;
  contracts: unknown;
}

interface ContractJson {
  id: string;
  validFrom: string;
  validTo: string | null;
  pricePlan: string | null;
  discountPercent: string | null;
  specialPrices: { accessType: AccessType; zone?: string; ratePerMinute: string }[];
}

export class PostgresCustomerDirectory implements CustomerDirectory {
  constructor(private readonly database: Database) {}

  async pricingFacts(accounts: string[]): Promise<Map<string, CustomerPricingFacts>> {
    const facts = new Map<string, CustomerPricingFacts>();
    if (!accounts.length) return facts;
    const rows = rowsOf<Row>(
      await this.database.orm.em.getKnex().raw(PRICING_FACTS, [JSON.stringify([...new Set(accounts)])]),
    );
    for (const row of rows) {
      facts.set(row.external_id, {
        timeZone: row.time_zone,
        currency: row.currency.trim(),
        contracts: json<ContractJson[]>(row.contracts).map((k) => ({
          id: k.id,
          validFrom: toDate(k.validFrom),
          validTo: k.validTo ? toDate(k.validTo) : undefined,
          pricePlan: k.pricePlan ?? undefined,
          discountPercent: k.discountPercent ?? undefined,
          specialPrices: (k.specialPrices ?? []).map((p) => ({
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
