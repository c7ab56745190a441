/**
 * Customers (with every version kept in customer_versions) and contracts, in raw SQL. Each upsert is
 * one transaction: the request key, the row lock, the change and its history commit together.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { ContractCustomerCheck, CustomerStore, Page, UpsertResult } from '../app/customers/ports';
import { checkExpectedVersion, type RequestKey } from '../app/mutations';
import { decodePageToken, encodePageToken } from '../app/paging';
import {
  sameContract,
  type Contract,
  type ContractInput,
  type SpecialPrice,
} from '../domain/contracts/contract';
import {
  sameContent,
  type Customer,
  type CustomerInput,
  type PostalAddress,
} from '../domain/customers/customer';
import { quoteForMessage } from '../domain/quote-value';
import type { AccessType } from '../domain/cdr';
import { FailedPreconditionError, ValidationError } from '../domain/errors';
import type { BillingCycle } from '../domain/periods';
import type { Database } from './database';
import { json, likePattern, once, optionalDate, rowsOf, toDate } from './sql-helpers';

interface CustomerRow {
  id: string;
  external_id: string;
  name: string;
  email: string | null;
  vat_number: string | null;
  country_code: string | null;
  currency: string;
  time_zone: string;
  payment_terms_days: number;
  address: unknown;
  registration_number: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

interface ContractRow {
  id: string;
  external_id: string;
  customer_external_id: string;
  price_plan: string | null;
  discount_percent: string | null;
  special_prices: unknown;
  included_minutes: string;
  minimum_commitment: string | null;
  billing_cycle: string;
  anchor_day: number;
  valid_from: Date | string;
  valid_to: Date | string | null;
  signed_at: Date | string | null;
  version: number;
  updated_at: Date | string;
  currency: string;
}

const CUSTOMER_COLUMNS = `id::text as id, external_id, name, email, vat_number, country_code, currency, time_zone,
  payment_terms_days, address, registration_number, version, created_at, updated_at`;
const CONTRACT_COLUMNS = `k.id::text as id, k.external_id, k.customer_external_id, k.price_plan, k.discount_percent::text as discount_percent,
  k.special_prices, k.included_minutes::text as included_minutes, k.minimum_commitment::text as minimum_commitment, k.billing_cycle,
  k.anchor_day, k.valid_from, k.valid_to, k.signed_at, k.version, k.updated_at, c.currency`;

export function customerFromRow(row: CustomerRow): Customer {
  const address = json<Partial<PostalAddress>>(row.address) ?? {};
  return {
    externalId: row.external_id,
    name: row.name,
    billingAddress: {
      lines: address.lines ?? [],
      postalCode: address.postalCode ?? '',
      city: address.city ?? '',
      countryCode: address.countryCode ?? '',
    },
    email: row.email ?? '',
    vatNumber: row.vat_number ?? '',
    countryCode: row.country_code ?? '',
    currencyCode: row.currency,
    timeZone: row.time_zone,
    paymentTermsDays: row.payment_terms_days,
    registrationNumber: row.registration_number ?? '',
    version: row.version,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** The customer as JSON (camelCase keys as in the Customer proto, ISO instants). */
export function customerToJson(c: Customer) {
  return { ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() };
}

export function customerFromJson(j: ReturnType<typeof customerToJson>): Customer {
  return { ...j, createdAt: new Date(j.createdAt), updatedAt: new Date(j.updatedAt) };
}

function contractFromRow(row: ContractRow): Contract {
  const prices =
    json<{ accessType: AccessType; zone?: string | null; ratePerMinute: string }[]>(row.special_prices) ?? [];
  return {
    externalId: row.external_id,
    customerExternalId: row.customer_external_id,
    pricePlan: row.price_plan ?? undefined,
    discountPercent: row.discount_percent ?? undefined,
    specialPrices: prices.map((p): SpecialPrice => ({
      accessType: p.accessType,
      zone: p.zone ?? undefined,
      ratePerMinute: p.ratePerMinute,
      currency: row.currency,
    })),
    includedMinutes: row.included_minutes,
    minimumCommitment:
      row.minimum_commitment === null
        ? undefined
        : { currency: row.currency, amount: row.minimum_commitment },
    billingCycle: row.billing_cycle as BillingCycle,
    anchorDay: row.anchor_day,
    validFrom: toDate(row.valid_from),
    validTo: optionalDate(row.valid_to),
    signedAt: optionalDate(row.signed_at),
    version: row.version,
    updatedAt: toDate(row.updated_at),
  };
}

function contractToJson(c: Contract) {
  return {
    ...c,
    validFrom: c.validFrom.toISOString(),
    validTo: c.validTo?.toISOString(),
    signedAt: c.signedAt?.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function contractFromJson(j: ReturnType<typeof contractToJson>): Contract {
  return {
    ...j,
    validFrom: new Date(j.validFrom),
    validTo: optionalDate(j.validTo),
    signedAt: optionalDate(j.signedAt),
    updatedAt: new Date(j.updatedAt),
  };
}

function resultCodec<T, J>(encode: (v: T) => J, decode: (j: J) => T) {
  return {
    encode: (r: UpsertResult<T>) => ({ value: encode(r.value), created: r.created, changed: r.changed }),
    decode: (s: unknown) => {
      const r = s as { value: J; created: boolean; changed: boolean };
      return { value: decode(r.value), created: r.created, changed: r.changed };
    },
  };
}

function customerBindings(c: CustomerInput) {
  return [
    c.name,
    c.email || null,
    c.vatNumber || null,
    c.countryCode || null,
    c.currencyCode,
    c.timeZone,
    c.paymentTermsDays,
    JSON.stringify(c.billingAddress),
    c.registrationNumber || null,
  ];
}

function contractBindings(c: ContractInput) {
  return [
    c.pricePlan ?? null,
    c.discountPercent ?? null,
    JSON.stringify(
      c.specialPrices.map((p) => ({
        accessType: p.accessType,
        ...(p.zone ? { zone: p.zone } : {}),
        ratePerMinute: p.ratePerMinute,
      })),
    ),
    c.includedMinutes,
    c.minimumCommitment?.amount ?? null,
    c.billingCycle,
    c.anchorDay,
    c.validFrom.toISOString(),
    c.validTo?.toISOString() ?? null,
    c.signedAt?.toISOString() ?? null,
  ];
}

export class PostgresCustomerStore implements CustomerStore {
  constructor(private readonly database: Database) {}

  private get knex() {
    return this.database.orm.em.getKnex();
  }

  upsertCustomer(
    input: CustomerInput,
    expectedVersion: number,
    key: RequestKey,
  ): Promise<UpsertResult<Customer>> {
    return this.knex.transaction((trx) =>
      once(
        trx,
        key,
        () => this.upsertCustomerIn(trx, input, expectedVersion),
        resultCodec(customerToJson, customerFromJson),
      ),
    );
  }

  private async upsertCustomerIn(
    trx: Knex.Transaction,
    input: CustomerInput,
    expectedVersion: number,
  ): Promise<UpsertResult<Customer>> {
    const what = `customer ${quoteForMessage(input.externalId)}`;
    let [row] = rowsOf<CustomerRow>(
      await trx.raw(`select ${CUSTOMER_COLUMNS} from customers where external_id = ? for update`, [
        input.externalId,
      ]),
    );
    if (!row) {
      checkExpectedVersion(what, expectedVersion, undefined);
      [row] = rowsOf<CustomerRow>(
        await trx.raw(
          `insert into customers (external_id, name, email, vat_number, country_code, currency, time_zone, payment_terms_days, address, registration_number)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
           on conflict (external_id) do nothing
           returning ${CUSTOMER_COLUMNS}`,
          [input.externalId, ...customerBindings(input)],
        ),
      );
      if (row) {
        const created = customerFromRow(row);
        await this.recordVersion(trx, row.id, created);
        return { value: created, created: true, changed: true };
      }
      // Created by a concurrent request between our read and insert: treat it as an update.
      [row] = rowsOf<CustomerRow>(
        await trx.raw(`select ${CUSTOMER_COLUMNS} from customers where external_id = ? for update`, [
          input.externalId,
        ]),
      );
      if (!row) throw new Error(`customer ${input.externalId} neither inserted nor found`);
    }
    const stored = customerFromRow(row);
    checkExpectedVersion(what, expectedVersion, stored.version);
    if (sameContent(stored, input)) return { value: stored, created: false, changed: false };
    const [updated] = rowsOf<CustomerRow>(
      await trx.raw(
        `update customers set name = ?, email = ?, vat_number = ?, country_code = ?, currency = ?, time_zone = ?,
           payment_terms_days = ?, address = ?::jsonb, registration_number = ?, version = version + 1, updated_at = now()
         where id = ?::bigint returning ${CUSTOMER_COLUMNS}`,
        [...customerBindings(input), row.id],
      ),
    );
    const changed = customerFromRow(updated!);
    await this.recordVersion(trx, row.id, changed);
    return { value: changed, created: false, changed: true };
  }

  private async recordVersion(trx: Knex.Transaction, id: string, customer: Customer): Promise<void> {
    await trx.raw(
      `insert into customer_versions (customer_id, version, snapshot, valid_from) values (?::bigint, ?, ?::jsonb, ?)`,
      [id, customer.version, JSON.stringify(customerToJson(customer)), customer.updatedAt.toISOString()],
    );
  }

  async getCustomer(externalId: string): Promise<Customer | undefined> {
    const [row] = rowsOf<CustomerRow>(
      await this.knex.raw(`select ${CUSTOMER_COLUMNS} from customers where external_id = ?`, [externalId]),
    );
    return row && customerFromRow(row);
  }

  async customerAsOf(externalId: string, at: Date): Promise<Customer | undefined> {
    const [row] = rowsOf<{ snapshot: unknown }>(
      await this.knex.raw(
        `select v.snapshot from customer_versions v join customers c on c.id = v.customer_id
         where c.external_id = ? and v.valid_from <= ? order by v.version desc limit 1`,
        [externalId, at.toISOString()],
      ),
    );
    return row && customerFromJson(json(row.snapshot));
  }

  async listCustomers(query: string, size: number, pageToken?: string): Promise<Page<Customer>> {
    const after = decodePageToken(pageToken) as [string, string] | undefined;
    const where: string[] = [];
    const bindings: (string | number)[] = [];
    if (query) {
      where.push(`(name ilike ? escape '\\' or external_id ilike ? escape '\\')`);
      bindings.push(likePattern(query), likePattern(query));
    }
    if (after) {
      where.push(`(name, id) > (?, ?::bigint)`);
      bindings.push(String(after[0]), String(after[1]));
    }
    // Ordered by the bigint column, not the text alias `id`, so the order matches the keyset compare.
    const rows = rowsOf<CustomerRow>(
      await this.knex.raw(
        `select ${CUSTOMER_COLUMNS} from customers ${where.length ? `where ${where.join(' and ')}` : ''} order by customers.name, customers.id limit ?`,
        [...bindings, size + 1],
      ),
    );
    const shown = rows.slice(0, size);
    const last = shown[shown.length - 1];
    return {
      rows: shown.map(customerFromRow),
      nextPageToken: rows.length > size && last ? encodePageToken([last.name, last.id]) : '',
    };
  }

  upsertContract(
    input: ContractInput,
    expectedVersion: number,
    key: RequestKey,
    check: ContractCustomerCheck,
  ): Promise<UpsertResult<Contract>> {
    return this.knex.transaction((trx) =>
      once(
        trx,
        key,
        () => this.upsertContractIn(trx, input, expectedVersion, check),
        resultCodec(contractToJson, contractFromJson),
      ),
    );
  }

  private async upsertContractIn(
    trx: Knex.Transaction,
    input: ContractInput,
    expectedVersion: number,
    check: ContractCustomerCheck,
  ): Promise<UpsertResult<Contract>> {
    const [customer] = rowsOf<{ currency: string }>(
      await trx.raw(`select currency from customers where external_id = ? for share`, [
        input.customerExternalId,
      ]),
    );
    if (!customer) {
      throw new FailedPreconditionError(
        `customer ${quoteForMessage(input.customerExternalId)} does not exist; upsert the customer before its contracts`,
      );
    }
    const violations = check(customer);
    if (violations.length) throw new ValidationError(violations);
    const what = `contract ${quoteForMessage(input.externalId)}`;
    const select = `select ${CONTRACT_COLUMNS} from contracts k join customers c on c.external_id = k.customer_external_id where k.external_id = ?`;
    let [row] = rowsOf<ContractRow>(await trx.raw(`${select} for update of k`, [input.externalId]));
    if (!row) {
      checkExpectedVersion(what, expectedVersion, undefined);
      const [inserted] = rowsOf<{ id: string }>(
        await trx.raw(
          `insert into contracts (external_id, customer_external_id, price_plan, discount_percent, special_prices, included_minutes,
             minimum_commitment, billing_cycle, anchor_day, valid_from, valid_to, signed_at)
           values (?, ?, ?, ?::numeric, ?::jsonb, ?::numeric, ?::numeric, ?, ?, ?, ?, ?)
           on conflict (external_id) do nothing returning id::text as id`,
          [input.externalId, input.customerExternalId, ...contractBindings(input)],
        ),
      );
      if (inserted) {
        const [created] = rowsOf<ContractRow>(await trx.raw(select, [input.externalId]));
        return { value: contractFromRow(created!), created: true, changed: true };
      }
      // Created by a concurrent request between our read and insert: treat it as an update.
      [row] = rowsOf<ContractRow>(await trx.raw(`${select} for update of k`, [input.externalId]));
      if (!row) throw new Error(`contract ${input.externalId} neither inserted nor found`);
    }
    const stored = contractFromRow(row);
    if (stored.customerExternalId !== input.customerExternalId) {
      throw new FailedPreconditionError(
        `${what} belongs to customer ${quoteForMessage(stored.customerExternalId)}; a contract cannot move to another customer`,
      );
    }
    checkExpectedVersion(what, expectedVersion, stored.version);
    if (sameContract(stored, input)) return { value: stored, created: false, changed: false };
    await trx.raw(
      `update contracts set price_plan = ?, discount_percent = ?::numeric, special_prices = ?::jsonb, included_minutes = ?::numeric,
         minimum_commitment = ?::numeric, billing_cycle = ?, anchor_day = ?, valid_from = ?, valid_to = ?, signed_at = ?,
         version = version + 1, updated_at = now()
       where id = ?::bigint`,
      [...contractBindings(input), row.id],
    );
    const [updated] = rowsOf<ContractRow>(await trx.raw(select, [input.externalId]));
    return { value: contractFromRow(updated!), created: false, changed: true };
  }

  async listContracts(customerExternalId: string, size: number, pageToken?: string): Promise<Page<Contract>> {
    const after = decodePageToken(pageToken) as [string, string] | undefined;
    const rows = rowsOf<ContractRow>(
      await this.knex.raw(
        `select ${CONTRACT_COLUMNS} from contracts k join customers c on c.external_id = k.customer_external_id
         where k.customer_external_id = ? ${after ? 'and (k.valid_from, k.id) < (?::timestamptz, ?::bigint)' : ''}
         order by k.valid_from desc, k.id desc limit ?`,
        [customerExternalId, ...(after ? [String(after[0]), String(after[1])] : []), size + 1],
      ),
    );
    const shown = rows.slice(0, size);
    const last = shown[shown.length - 1];
    return {
      rows: shown.map(contractFromRow),
      nextPageToken:
        rows.length > size && last ? encodePageToken([toDate(last.valid_from).toISOString(), last.id]) : '',
    };
  }
}
