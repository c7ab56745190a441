/** What every CustomerStore must do, whatever the database behind it. */
import { describe, expect, it } from 'vitest';
import { validateContractCurrency } from '../../src/app/customers/contract';
import type { CustomerStore } from '../../src/app/customers/ports';
import type { ContractInput } from '../../src/domain/contracts/contract';
import { FailedPreconditionError, StaleVersionError, ValidationError } from '../../src/domain/errors';
import { contractInput, customerInput, key, unique } from './fixtures';

const checkOf = (input: ContractInput) => (c: { currency: string }) =>
  validateContractCurrency(input, c.currency);

export function runCustomerStoreConformance(makeStore: () => CustomerStore): void {
  describe('CustomerStore', () => {
    it('creates at version 1, and the same content again is not a change', async () => {
      const store = makeStore();
      const input = customerInput();
      const created = await store.upsertCustomer(input, 0, key(input));
      expect(created).toMatchObject({ created: true, changed: true, value: { ...input, version: 1 } });
      const again = await store.upsertCustomer(input, 0, key(input));
      expect(again).toMatchObject({ created: false, changed: false, value: { version: 1 } });
      expect(await store.getCustomer(input.externalId)).toEqual(created.value);
    });

    it('answers a retried request key with the first result, without a new version', async () => {
      const store = makeStore();
      const input = customerInput();
      const k = key(input);
      const first = await store.upsertCustomer(input, 0, k);
      const retry = await store.upsertCustomer(input, 0, k);
      expect(retry).toEqual(first);
      const other = key({ ...input, name: 'Other' }, k.requestId);
      await expect(store.upsertCustomer({ ...input, name: 'Other' }, 0, other)).rejects.toThrow(
        FailedPreconditionError,
      );
      expect((await store.getCustomer(input.externalId))?.version).toBe(1);
    });

    it('counts versions and refuses a stale expected version', async () => {
      const store = makeStore();
      const input = customerInput();
      await store.upsertCustomer(input, 0, key());
      const v2 = await store.upsertCustomer({ ...input, name: 'Renamed' }, 1, key());
      expect(v2).toMatchObject({ created: false, changed: true, value: { name: 'Renamed', version: 2 } });
      await expect(store.upsertCustomer({ ...input, name: 'Late' }, 1, key())).rejects.toThrow(
        StaleVersionError,
      );
      await expect(store.upsertCustomer(customerInput(), 3, key())).rejects.toThrow(StaleVersionError);
      expect((await store.getCustomer(input.externalId))?.name).toBe('Renamed');
    });

    it('answers undefined for an unknown customer', async () => {
      const store = makeStore();
      expect(await store.getCustomer(unique('missing'))).toBeUndefined();
      expect(await store.customerAsOf(unique('missing'), new Date())).toBeUndefined();
      expect(await store.listContracts(unique('missing'), 10)).toEqual({ rows: [], nextPageToken: '' });
    });

    it('reads the version valid at an instant', async () => {
      const store = makeStore();
      const input = customerInput();
      const v1 = (await store.upsertCustomer(input, 0, key())).value;
      await new Promise((r) => setTimeout(r, 20));
      const v2 = (await store.upsertCustomer({ ...input, name: 'Second' }, 0, key())).value;
      expect(
        await store.customerAsOf(input.externalId, new Date(v1.updatedAt.getTime() - 1000)),
      ).toBeUndefined();
      expect((await store.customerAsOf(input.externalId, v1.updatedAt))?.name).toBe(input.name);
      expect(await store.customerAsOf(input.externalId, v2.updatedAt)).toEqual(v2);
    });

    it('pages customers by name then id, filtered by a literal search term', async () => {
      const store = makeStore();
      const tag = unique('pg').replace('-', '_%');
      const names = ['Delta', 'alpha', 'Charlie', 'Bravo', 'Bravo'];
      for (const [i, n] of names.entries())
        await store.upsertCustomer(customerInput(`${tag}-${i}`, { name: `${tag} ${n}` }), 0, key());
      await store.upsertCustomer(customerInput(unique('other'), { name: 'Not matched' }), 0, key());
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await store.listCustomers(tag, 2, token);
        expect(page.rows.length).toBeLessThanOrEqual(2);
        seen.push(...page.rows.map((c) => c.externalId));
        token = page.nextPageToken || undefined;
      } while (token);
      // Byte order of the collation aside, the two "Bravo" keep insertion (id) order.
      const expected = await store.listCustomers(tag, 100);
      expect(seen).toEqual(expected.rows.map((c) => c.externalId));
      expect(seen).toHaveLength(5);
      expect(seen.indexOf(`${tag}-3`)).toBeLessThan(seen.indexOf(`${tag}-4`));
      expect(expected.nextPageToken).toBe('');
    });

    it('refuses a page token that is not its own', async () => {
      const store = makeStore();
      await expect(store.listCustomers('', 10, 'forged-token-forged-token-xx')).rejects.toThrow(
        ValidationError,
      );
    });

    it('stores contracts, versions them and pages them latest first', async () => {
      const store = makeStore();
      const customer = customerInput();
      await store.upsertCustomer(customer, 0, key());
      const inputs = ['2026-01-01', '2026-03-01', '2026-02-01'].map((d) =>
        contractInput(customer.externalId, `${d}T00:00:00.000Z`),
      );
      for (const input of inputs) {
        const r = await store.upsertContract(input, 0, key(), checkOf(input));
        expect(r).toMatchObject({ created: true, value: { ...input, version: 1 } });
      }
      const same = await store.upsertContract(
        { ...inputs[0]!, includedMinutes: '100.0' },
        1,
        key(),
        checkOf(inputs[0]!),
      );
      expect(same).toMatchObject({ changed: false, value: { version: 1 } });
      const changed = await store.upsertContract(
        { ...inputs[0]!, includedMinutes: '200' },
        1,
        key(),
        checkOf(inputs[0]!),
      );
      expect(changed).toMatchObject({ changed: true, value: { version: 2, includedMinutes: '200' } });
      await expect(store.upsertContract(inputs[0]!, 1, key(), checkOf(inputs[0]!))).rejects.toThrow(
        StaleVersionError,
      );
      const first = await store.listContracts(customer.externalId, 2);
      expect(first.rows.map((k) => k.validFrom.toISOString().slice(0, 10))).toEqual([
        '2026-03-01',
        '2026-02-01',
      ]);
      const second = await store.listContracts(customer.externalId, 2, first.nextPageToken);
      expect(second.rows.map((k) => k.externalId)).toEqual([inputs[0]!.externalId]);
      expect(second.nextPageToken).toBe('');
    });

    it('refuses a contract without its customer, in another currency, or moving customer', async () => {
      const store = makeStore();
      const orphan = contractInput(unique('nobody'), '2026-01-01T00:00:00.000Z');
      await expect(store.upsertContract(orphan, 0, key(), checkOf(orphan))).rejects.toThrow(
        FailedPreconditionError,
      );
      const a = customerInput();
      const b = customerInput();
      await store.upsertCustomer(a, 0, key());
      await store.upsertCustomer(b, 0, key());
      const euro = contractInput(a.externalId, '2026-01-01T00:00:00.000Z', {
        minimumCommitment: { currency: 'EUR', amount: '1' },
      });
      await expect(store.upsertContract(euro, 0, key(), checkOf(euro))).rejects.toThrow(ValidationError);
      const k = contractInput(a.externalId, '2026-01-01T00:00:00.000Z');
      await store.upsertContract(k, 0, key(), checkOf(k));
      const moved = { ...k, customerExternalId: b.externalId };
      await expect(store.upsertContract(moved, 0, key(), checkOf(moved))).rejects.toThrow(
        FailedPreconditionError,
      );
    });
  });
}
