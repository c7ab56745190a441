/**
 * Customers with every contract of theirs, whole, for invoicing (billing customers). Ingest reads
 * only the pricing terms, with its own narrower statement (customer-directory.ts). Which contract
 * holds at an instant is the domain's contractAt.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Contract } from '../domain/contracts/contract';
import type { Customer } from '../domain/customers/customer';
import { contractFromRecord, customerFromRecord } from './customer-mapping';
import { ContractRecordSchema } from './entities/contract-record';
import { CustomerRecordSchema } from './entities/customer-record';
import { json, rowsOf } from './sql-helpers';

export interface CustomerWithContracts {
  customer: Customer;
  /** Oldest valid_from first. */
  contracts: Contract[];
}

// Hand-written SQL: one round trip for all the accounts asked for; em.map turns the rows into the
// same entities (and so the same mapping) as ORM reads.
const QUERY = `
select c.*, coalesce((
  select jsonb_agg(jsonb_build_object(
    'id', k.id::text, 'external_id', k.external_id, 'customer_external_id', k.customer_external_id,
    'price_plan', k.price_plan, 'discount_percent', k.discount_percent::text, 'special_prices', k.special_prices,
    'included_minutes', k.included_minutes::text, 'minimum_commitment', k.minimum_commitment::text,
    'billing_cycle', k.billing_cycle, 'anchor_day', k.anchor_day, 'valid_from', k.valid_from,
    'valid_to', k.valid_to, 'signed_at', k.signed_at, 'version', k.version,
    'created_at', k.created_at, 'updated_at', k.updated_at) order by k.valid_from, k.id)
  from contracts k where k.customer_external_id = c.external_id), '[]'::jsonb) as contracts
from customers c
%WHERE%
order by c.external_id`;

// Two statements rather than `? is null or ...`, and `= any(array(...))` rather than `in (select
// ...)`: either of those made PostgreSQL scan every customer (3-5 ms at 10,000 customers) to find
// the customers a close or a rerate asks for; this is one key lookup per account.
const ALL = QUERY.replace('%WHERE%', '');
const SOME = QUERY.replace(
  '%WHERE%',
  'where c.external_id = any(array(select jsonb_array_elements_text(?::jsonb)))',
);

/**
 * The customers named by `accounts` (every customer when undefined), keyed by external id; unknown
 * accounts are absent. `em` is a fork (or the transaction's manager) of the caller.
 */
export async function loadCustomersWithContracts(
  em: EntityManager,
  accounts?: readonly string[],
): Promise<Map<string, CustomerWithContracts>> {
  const found = new Map<string, CustomerWithContracts>();
  if (accounts && !accounts.length) return found;
  const rows = rowsOf<Record<string, unknown> & { contracts: unknown }>(
    await (accounts
      ? em.getKnex().raw(SOME, [JSON.stringify([...new Set(accounts)])])
      : em.getKnex().raw(ALL)),
  );
  for (const { contracts, ...row } of rows) {
    const customer = customerFromRecord(em.map(CustomerRecordSchema, row));
    found.set(customer.externalId, {
      customer,
      contracts: json<Record<string, unknown>[]>(contracts).map((k) =>
        contractFromRecord(em.map(ContractRecordSchema, k), customer.currencyCode),
      ),
    });
  }
  return found;
}
