/**
 * The customers a close (or a rebuilt invoice) bills, with their contracts' billing terms, in one
 * statement mapped by hand to what invoicing uses. A close of 10,000 customers read them whole
 * through the ORM's entity mapping (em.map of every customer and contract, identity map included)
 * before its first chunk could start: 0.68 s of a 7.8 s close, 0.46 s of it in the mapping
 * (issue 14). Which contract holds at an instant is the domain's contractAt.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { BillingContract, BillingCustomer } from '../app/invoicing/ports';
import type { BillingCycle } from '../domain/periods/index';
import { epochMsSql, json, rowsOf } from './sql-helpers';

const QUERY = `
select c.external_id, c.name, c.email, c.vat_number, c.registration_number, c.electronic_address_scheme,
       c.electronic_address_id, c.buyer_reference, c.order_reference, c.invoice_line_grouping,
       c.call_specification, c.country_code, c.currency, c.time_zone, c.payment_terms_days, c.address,
       coalesce((
         select jsonb_agg(jsonb_build_object(
           'externalId', k.external_id, 'validFrom', ${epochMsSql('k.valid_from')}, 'validTo', ${epochMsSql('k.valid_to')},
           'cycle', k.billing_cycle, 'anchorDay', k.anchor_day, 'pricePlan', k.price_plan,
           'includedMinutes', k.included_minutes::text, 'minimumCommitment', k.minimum_commitment::text)
           order by k.valid_from, k.id)
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

interface CustomerRow {
  external_id: string;
  name: string;
  email: string | null;
  vat_number: string | null;
  registration_number: string | null;
  electronic_address_scheme: string | null;
  electronic_address_id: string | null;
  buyer_reference: string | null;
  order_reference: string | null;
  invoice_line_grouping: string | null;
  call_specification: boolean | null;
  /** char(2) and char(3): blank-padded. */
  country_code: string | null;
  currency: string;
  time_zone: string;
  payment_terms_days: number;
  address: unknown;
  contracts: unknown;
}

/** A contract as the statement's JSON has it: instants as epoch milliseconds, decimals as text. */
interface ContractJson {
  externalId: string;
  validFrom: number;
  validTo: number | null;
  cycle: BillingCycle;
  anchorDay: number;
  pricePlan: string | null;
  includedMinutes: string;
  minimumCommitment: string | null;
}

/**
 * The customers named by `accounts` (every customer when undefined), by account; unknown accounts
 * are left out.
 */
export async function loadBillingCustomers(
  knex: Knex,
  accounts?: readonly string[],
): Promise<BillingCustomer[]> {
  if (accounts && !accounts.length) return [];
  const rows = rowsOf<CustomerRow>(
    await (accounts ? knex.raw(SOME, [JSON.stringify([...new Set(accounts)])]) : knex.raw(ALL)),
  );
  return rows.map(billingCustomerOf);
}

function billingCustomerOf(r: CustomerRow): BillingCustomer {
  // Both drivers hand jsonb back parsed; an address that is not an object has no parts.
  const address = (r.address ?? {}) as BillingCustomer['address'];
  return {
    account: r.external_id,
    name: r.name,
    email: r.email || undefined,
    vatNumber: r.vat_number || undefined,
    registrationNumber: r.registration_number || undefined,
    electronicAddress:
      r.electronic_address_scheme && r.electronic_address_id
        ? { scheme: r.electronic_address_scheme, id: r.electronic_address_id }
        : undefined,
    buyerReference: r.buyer_reference || undefined,
    orderReference: r.order_reference || undefined,
    ...(r.invoice_line_grouping === 'conference' ? { lineGrouping: 'conference' as const } : {}),
    callSpecification: r.call_specification === true,
    countryCode: r.country_code?.trim() || undefined,
    currency: r.currency.trim(),
    timeZone: r.time_zone,
    paymentTermsDays: r.payment_terms_days,
    address: {
      lines: address.lines ?? [],
      postalCode: address.postalCode || undefined,
      city: address.city || undefined,
      countryCode: address.countryCode || undefined,
    },
    contracts: json<ContractJson[]>(r.contracts).map(billingContractOf),
  };
}

function billingContractOf(k: ContractJson): BillingContract {
  return {
    externalId: k.externalId,
    validFrom: new Date(k.validFrom),
    validTo: k.validTo === null ? undefined : new Date(k.validTo),
    cycle: k.cycle,
    anchorDay: k.anchorDay,
    pricePlan: k.pricePlan ?? undefined,
    includedMinutes: k.includedMinutes,
    minimumCommitment: k.minimumCommitment ?? undefined,
  };
}
