/**
 * Invoicing reads contract instants from JSON built in SQL (billing-customers-query.ts,
 * period-terms-query.ts). A timestamptz's JSON text carries the session time zone's offset, and
 * for old dates in a zone with local mean time that offset ("+00:19:32" in Amsterdam before 1937)
 * is one no Date parses: the instants travel as epoch milliseconds, whatever the session's zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateContractCurrency } from '../../src/app/customers/contract';
import { loadBillingCustomers } from '../../src/persistence/billing-customers-query';
import { PostgresCustomerStore } from '../../src/persistence/customer-store';
import type { Database } from '../../src/persistence/database';
import { loadPeriodTerms } from '../../src/persistence/period-terms-query';
import { contractInput, customerInput, key } from '../conformance/fixtures';
import { storageTargets } from '../conformance/targets';

for (const target of await storageTargets()) {
  describe(`contract instants on ${target.name}`, () => {
    let opened: Awaited<ReturnType<typeof target.open>> | undefined;
    const database = () => (opened as { database: Database }).database;
    const customer = customerInput();
    const old = contractInput(customer.externalId, '1900-01-01T00:00:00.000Z', {
      validTo: new Date('1930-06-01T12:34:56.789Z'),
    });
    const current = contractInput(customer.externalId, '1930-06-01T12:34:56.789Z');

    beforeAll(async () => {
      opened = await target.open();
      const customers = new PostgresCustomerStore(database());
      await customers.upsertCustomer(customer, 0, key());
      for (const k of [old, current])
        await customers.upsertContract(k, 0, key(), (owner) => validateContractCurrency(k, owner.currency));
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('reads them to the millisecond in a session time zone with local mean time', async () => {
      const read = await database()
        .orm.em.getKnex()
        .transaction(async (trx) => {
          await trx.raw(`set local time zone 'Europe/Amsterdam'`);
          return {
            customers: await loadBillingCustomers(trx, [customer.externalId]),
            terms: await loadPeriodTerms(trx, customer.externalId),
          };
        });
      const expected = [
        { validFrom: old.validFrom, validTo: old.validTo },
        { validFrom: current.validFrom, validTo: undefined },
      ];
      const [billed] = read.customers;
      expect(billed!.contracts.map(({ validFrom, validTo }) => ({ validFrom, validTo }))).toEqual(expected);
      expect(read.terms!.contracts.map(({ validFrom, validTo }) => ({ validFrom, validTo }))).toEqual(
        expected,
      );
    });
  });
}
