/**
 * One transaction on one connection of the pool, for ingest's commits (issue 14: ack p99 under
 * 50 ms at 1,000 CDRs/s). knex.transaction() builds a full query builder for every transaction
 * (makeKnex: some 150 closures and properties), which cost CPU on each of a stream's commits and,
 * measured with --trace-gc-nvp, left about 15 KB per transaction to be promoted to the old
 * generation and collected by its full collections, the pauses behind ack latency's tail. This runs
 * the same statements (BEGIN, the work, COMMIT; ROLLBACK when anything fails) through the same
 * pool, with knex's own bindings, on the connection it takes (knex's `.connection()`).
 */
import type { Knex } from '@mikro-orm/postgresql';

/** What a unit of work needs of its transaction: statements with `?` bindings, on its connection. */
export interface SqlTransaction {
  raw(sql: string, bindings?: readonly Knex.RawBinding[]): Knex.Raw;
}

/** The pool's side of knex's client (public on Knex.Client, untyped). */
interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/** Runs `work` in one READ COMMITTED transaction (PostgreSQL's default, as knex.transaction) and commits it. */
export async function pooledTransaction<T>(
  knex: Knex,
  work: (trx: SqlTransaction) => Promise<T>,
): Promise<T> {
  const pool = knex.client as PoolClient;
  const connection = await pool.acquireConnection();
  const trx: SqlTransaction = {
    raw: (sql, bindings) => (bindings ? knex.raw(sql, bindings) : knex.raw(sql)).connection(connection),
  };
  try {
    await trx.raw('begin');
    const result = await work(trx);
    await trx.raw('commit');
    return result;
  } catch (error) {
    // The work's own error is the answer. ROLLBACK fails only on a broken connection: node-postgres
    // then emits its error or end event, knex marks the connection disposed, and the pool drops it
    // on its next acquire, as after a failed knex.transaction.
    await trx.raw('rollback').then(undefined, () => undefined);
    throw error;
  } finally {
    await pool.releaseConnection(connection);
  }
}
