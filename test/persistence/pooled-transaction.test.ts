/**
 * Ingest's commits run through pooledTransaction instead of knex.transaction (issue 14): it must
 * keep what knex.transaction gave them. A batch is committed whole or not at all, the database's
 * error reaches the caller as it was (retryOnConflict reads its code), and a failed transaction
 * gives its connection back: the embedded database has one, so a lost one would hang the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/persistence/database';
import { pooledTransaction } from '../../src/persistence/pooled-transaction';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { storageTargets } from '../conformance/targets';

for (const target of await storageTargets()) {
  describe(`pooledTransaction on ${target.name}`, () => {
    let opened: Awaited<ReturnType<typeof target.open>> | undefined;
    const knex = () => (opened as { database: Database }).database.orm.em.getKnex();
    const ids = async () =>
      rowsOf<{ id: number }>(await knex().raw('select id from pooled_tx order by id')).map((r) => r.id);

    beforeAll(async () => {
      opened = await target.open();
      await knex().raw('create table pooled_tx (id int primary key)');
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('commits the work and answers its result', async () => {
      const result = await pooledTransaction(knex(), async (trx) => {
        await trx.raw('insert into pooled_tx (id) values (?), (?)', [1, 2]);
        return rowsOf<{ n: number }>(await trx.raw('select count(*)::int as n from pooled_tx'))[0]?.n;
      });
      expect(result).toBe(2);
      expect(await ids()).toEqual([1, 2]);
    });

    it('rolls everything back when the work fails, and rethrows its error', async () => {
      const failure = new Error('priced wrong');
      await expect(
        pooledTransaction(knex(), async (trx) => {
          await trx.raw('insert into pooled_tx (id) values (?)', [3]);
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await ids()).toEqual([1, 2]);
    });

    it("keeps the database's error code, and nothing of the failed statement's transaction", async () => {
      const error = await pooledTransaction(knex(), async (trx) => {
        await trx.raw('insert into pooled_tx (id) values (?)', [4]);
        await trx.raw('insert into pooled_tx (id) values (?)', [1]);
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: '23505' });
      expect(await ids()).toEqual([1, 2]);
    });

    it('gives the connection back after every failure', async () => {
      for (let i = 0; i < 12; i++) {
        await pooledTransaction(knex(), async (trx) => {
          await trx.raw('select 1/0');
        }).catch(() => undefined);
      }
      await pooledTransaction(knex(), (trx) => trx.raw('insert into pooled_tx (id) values (?)', [5]));
      expect(await ids()).toEqual([1, 2, 5]);
    });
  });
}
