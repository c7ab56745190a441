/**
 * Customers (with every version kept in customer_versions) and contracts. Reads go through the
 * EntityManager, one fork per call. Upserts are hand-written SQL: each is one transaction holding
 * the request key, the row lock (for update), the version check and the history together.
 */
import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import type { ContractCustomerCheck, CustomerStore, Page, UpsertResult } from '../app/customers/ports';
import { checkExpectedVersion, type RequestKey } from '../app/mutations';
import { decodePageToken, encodePageToken, isNumericId, isText, isTimestamp, pageScope } from '../app/paging';
import { sameContract, type Contract, type ContractInput } from '../domain/contracts/contract';
import { sameContent, type Customer, type CustomerInput } from '../domain/customers/customer';
import { FailedPreconditionError, ValidationError } from '../domain/errors';
import { quoteForMessage } from '../domain/quote-value';
import {
  contractFromJson,
  contractFromRecord,
  contractToJson,
  customerFromJson,
  customerFromRecord,
  customerToJson,
} from './customer-mapping';
import type { Database } from './database';
import { ContractRecordSchema } from './entities/contract-record';
import { CustomerRecordSchema } from './entities/customer-record';
import { json, likePattern, once, rowsOf } from './sql-helpers';

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
    c.electronicAddress?.scheme || null,
    c.electronicAddress?.id || null,
    c.buyerReference || null,
    c.orderReference || null,
    c.invoiceLineGrouping === 'conference' ? 'conference' : null,
    c.callSpecification === true,
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

  /** A fresh EntityManager: nothing cached across calls (allowGlobalContext is off). */
  private em(): EntityManager {
    return this.database.orm.em.fork();
  }

  /** Raw rows of the SQL upserts as domain values, through the same entities as the reads. */
  private customerOf(row: Record<string, unknown>): Customer {
    return customerFromRecord(this.em().map(CustomerRecordSchema, row));
  }

  private contractOf(row: Record<string, unknown>, currency: string): Contract {
    return contractFromRecord(this.em().map(ContractRecordSchema, row), currency);
  }

  async knowsTimeZone(zone: string): Promise<boolean> {
    try {
      await this.knex.raw('select now() at time zone ?', [zone]);
      return true;
    } catch (error) {
      // invalid_parameter_value: 'time zone "..." not recognized' (pg_timezone_names is a slow view).
      if ((error as { code?: string }).code === '22023') return false;
      throw error;
    }
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
    const lock = `select * from customers where external_id = ? for update`;
    let [row] = rowsOf<Record<string, unknown>>(await trx.raw(lock, [input.externalId]));
    if (!row) {
      checkExpectedVersion(what, expectedVersion, undefined);
      [row] = rowsOf<Record<string, unknown>>(
        await trx.raw(
          `insert into customers (external_id, name, email, vat_number, country_code, currency, time_zone, payment_terms_days, address, registration_number,
             electronic_address_scheme, electronic_address_id, buyer_reference, order_reference,
             invoice_line_grouping, call_specification)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)
           on conflict (external_id) do nothing
           returning *`,
          [input.externalId, ...customerBindings(input)],
        ),
      );
      if (row) {
        const created = this.customerOf(row);
        await this.recordVersion(trx, String(row.id), created);
        return { value: created, created: true, changed: true };
      }
      // Created by a concurrent request between our read and insert: treat it as an update.
      [row] = rowsOf<Record<string, unknown>>(await trx.raw(lock, [input.externalId]));
      if (!row) throw new Error(`customer ${input.externalId} neither inserted nor found`);
    }
    const stored = this.customerOf(row);
    checkExpectedVersion(what, expectedVersion, stored.version);
    if (sameContent(stored, input)) return { value: stored, created: false, changed: false };
    const [updated] = rowsOf<Record<string, unknown>>(
      await trx.raw(
        `update customers set name = ?, email = ?, vat_number = ?, country_code = ?, currency = ?, time_zone = ?,
           payment_terms_days = ?, address = ?::jsonb, registration_number = ?,
           electronic_address_scheme = ?, electronic_address_id = ?, buyer_reference = ?, order_reference = ?,
           invoice_line_grouping = ?, call_specification = ?,
           version = version + 1, updated_at = now()
         where id = ?::bigint returning *`,
        [...customerBindings(input), String(row.id)],
      ),
    );
    const changed = this.customerOf(updated!);
    await this.recordVersion(trx, String(row.id), changed);
    return { value: changed, created: false, changed: true };
  }

  private async recordVersion(trx: Knex.Transaction, id: string, customer: Customer): Promise<void> {
    await trx.raw(
      `insert into customer_versions (customer_id, version, snapshot, valid_from) values (?::bigint, ?, ?::jsonb, ?)`,
      [id, customer.version, JSON.stringify(customerToJson(customer)), customer.updatedAt.toISOString()],
    );
  }

  async getCustomer(externalId: string): Promise<Customer | undefined> {
    const record = await this.em().findOne(CustomerRecordSchema, { externalId });
    return record ? customerFromRecord(record) : undefined;
  }

  async customerAsOf(externalId: string, at: Date): Promise<Customer | undefined> {
    // SQL: the snapshot is JSON of the domain value, not an entity.
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
    // A token continues the list of this query only (another query's rows before it would be skipped).
    const scope = pageScope('customers', query);
    const after = decodePageToken(pageToken, [isText, isNumericId], scope) as [string, string] | undefined;
    const pattern = query ? likePattern(query) : undefined;
    const records = await this.em().find(
      CustomerRecordSchema,
      {
        ...(pattern && { $or: [{ name: { $ilike: pattern } }, { externalId: { $ilike: pattern } }] }),
        // Keyset: after (name, id) of the last row shown.
        ...(after && {
          $and: [{ $or: [{ name: { $gt: after[0] } }, { name: after[0], id: { $gt: after[1] } }] }],
        }),
      },
      { orderBy: [{ name: 'asc' }, { id: 'asc' }], limit: size + 1 },
    );
    const shown = records.slice(0, size);
    const last = shown[shown.length - 1];
    return {
      rows: shown.map(customerFromRecord),
      nextPageToken: records.length > size && last ? encodePageToken([last.name, last.id], scope) : '',
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
    const lock = `select * from contracts where external_id = ? for update`;
    let [row] = rowsOf<Record<string, unknown>>(await trx.raw(lock, [input.externalId]));
    if (!row) {
      checkExpectedVersion(what, expectedVersion, undefined);
      const [inserted] = rowsOf<Record<string, unknown>>(
        await trx.raw(
          `insert into contracts (external_id, customer_external_id, price_plan, discount_percent, special_prices, included_minutes,
             minimum_commitment, billing_cycle, anchor_day, valid_from, valid_to, signed_at)
           values (?, ?, ?, ?::numeric, ?::jsonb, ?::numeric, ?::numeric, ?, ?, ?, ?, ?)
           on conflict (external_id) do nothing returning *`,
          [input.externalId, input.customerExternalId, ...contractBindings(input)],
        ),
      );
      if (inserted)
        return { value: this.contractOf(inserted, customer.currency), created: true, changed: true };
      // Created by a concurrent request between our read and insert: treat it as an update.
      [row] = rowsOf<Record<string, unknown>>(await trx.raw(lock, [input.externalId]));
      if (!row) throw new Error(`contract ${input.externalId} neither inserted nor found`);
    }
    const stored = this.contractOf(row, customer.currency);
    if (stored.customerExternalId !== input.customerExternalId) {
      throw new FailedPreconditionError(
        `${what} belongs to customer ${quoteForMessage(stored.customerExternalId)}; a contract cannot move to another customer`,
      );
    }
    checkExpectedVersion(what, expectedVersion, stored.version);
    if (sameContract(stored, input)) return { value: stored, created: false, changed: false };
    const [updated] = rowsOf<Record<string, unknown>>(
      await trx.raw(
        `update contracts set price_plan = ?, discount_percent = ?::numeric, special_prices = ?::jsonb, included_minutes = ?::numeric,
           minimum_commitment = ?::numeric, billing_cycle = ?, anchor_day = ?, valid_from = ?, valid_to = ?, signed_at = ?,
           version = version + 1, updated_at = now()
         where id = ?::bigint returning *`,
        [...contractBindings(input), String(row.id)],
      ),
    );
    return { value: this.contractOf(updated!, customer.currency), created: false, changed: true };
  }

  async listContracts(customerExternalId: string, size: number, pageToken?: string): Promise<Page<Contract>> {
    // A token continues this customer's contracts only.
    const scope = pageScope('contracts', customerExternalId);
    const after = decodePageToken(pageToken, [isTimestamp, isNumericId], scope) as
      [string, string] | undefined;
    const em = this.em();
    const customer = await em.findOne(CustomerRecordSchema, { externalId: customerExternalId });
    if (!customer) return { rows: [], nextPageToken: '' };
    const records = await em.find(
      ContractRecordSchema,
      {
        customerExternalId,
        // Keyset: before (valid_from, id) of the last row shown, latest first.
        ...(after && {
          $or: [
            { validFrom: { $lt: new Date(after[0]) } },
            { validFrom: new Date(after[0]), id: { $lt: after[1] } },
          ],
        }),
      },
      { orderBy: [{ validFrom: 'desc' }, { id: 'desc' }], limit: size + 1 },
    );
    const shown = records.slice(0, size);
    const last = shown[shown.length - 1];
    return {
      rows: shown.map((r) => contractFromRecord(r, customer.currency)),
      nextPageToken:
        records.length > size && last ? encodePageToken([last.validFrom.toISOString(), last.id], scope) : '',
    };
  }
}
