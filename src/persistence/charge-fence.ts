/**
 * The fence between writers of charges and a close (migration LateChargeFence). Every transaction
 * that inserts charges takes the writers' advisory lock shared, first; a close takes it exclusively
 * for an instant (`billing_charge_fence()`, in its own statement, before its transaction), so the
 * charge id it reads is one below which every charge is committed and visible to the close.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { rowsOf } from './sql-helpers';
import type { SqlTransaction } from './pooled-transaction';

/** The first statement of a transaction that inserts charges. */
export async function enterChargeWriters(trx: SqlTransaction): Promise<void> {
  await trx.raw(`select pg_advisory_xact_lock_shared(hashtext('billing_charge_writers'))`);
}

/** Outside any transaction: the highest charge id below which every charge is committed. */
export async function chargeFence(knex: Knex): Promise<string> {
  const [row] = rowsOf<{ fence: string }>(await knex.raw(`select billing_charge_fence()::text as fence`));
  return row!.fence;
}
