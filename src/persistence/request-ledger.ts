/**
 * Request keys of mutations that span several transactions (see RequestLedger), in the same
 * `idempotency_keys` table as the one-transaction `once`: one row per (RPC, request id), so a key
 * holds across replicas and restarts. Each method is its own short transaction. SQL, not entities:
 * insert-or-find under concurrency needs `on conflict` and the row lock it takes.
 */
import { requestIdReused, type RequestKey, type RequestLedger } from '../app/mutations';
import type { Database } from './database';
import { rowsOf } from './sql-helpers';

export class PostgresRequestLedger implements RequestLedger {
  constructor(private readonly database: Database) {}

  private get knex() {
    return this.database.orm.em.getKnex();
  }

  async claim(key: RequestKey): Promise<{ response?: unknown }> {
    // Insert first: a twin claiming the same key at the same time waits on the row, then reads it.
    const claimed = rowsOf(
      await this.knex.raw(
        `insert into idempotency_keys (scope, request_id, request_hash) values (?, ?, ?)
         on conflict (scope, request_id) do nothing returning request_id`,
        [key.scope, key.requestId, key.requestHash],
      ),
    );
    if (claimed.length) return {};
    // The response is stored as the JSON text it was (migration RequestResponsesAsText), parsed here.
    const [stored] = rowsOf<{ request_hash: string; response: string | null }>(
      await this.knex.raw(
        `select request_hash, response from idempotency_keys where scope = ? and request_id = ?`,
        [key.scope, key.requestId],
      ),
    );
    // Released by a failed twin in between: the key is free again, and this call runs.
    if (!stored) return this.claim(key);
    if (stored.request_hash !== key.requestHash) throw requestIdReused(key);
    return stored.response === null ? {} : { response: JSON.parse(stored.response) as unknown };
  }

  async complete(key: RequestKey, response: unknown): Promise<void> {
    // An upsert, so a response still lands when a failed twin released the key meanwhile.
    await this.knex.raw(
      `insert into idempotency_keys (scope, request_id, request_hash, response) values (?, ?, ?, ?)
       on conflict (scope, request_id) do update set response = excluded.response
       where idempotency_keys.response is null and idempotency_keys.request_hash = excluded.request_hash`,
      [key.scope, key.requestId, key.requestHash, JSON.stringify(response)],
    );
  }

  async release(key: RequestKey): Promise<void> {
    await this.knex.raw(
      `delete from idempotency_keys where scope = ? and request_id = ? and request_hash = ? and response is null`,
      [key.scope, key.requestId, key.requestHash],
    );
  }
}
