/**
 * Secrets shared by every replica, created once by whichever starts first. Two replicas starting
 * at the same instant both insert; ON CONFLICT keeps the first and both read the same value back.
 */
import crypto from 'node:crypto';
import type { Database } from './database';
import { rowsOf } from './sql-helpers';

export async function sharedSecret(database: Database, name: string, bytes = 32): Promise<Buffer> {
  const knex = database.orm.em.getKnex();
  await knex.raw(`insert into service_secrets (name, value) values (?, ?) on conflict (name) do nothing`, [
    name,
    crypto.randomBytes(bytes),
  ]);
  const [row] = rowsOf<{ value: Buffer | Uint8Array }>(
    await knex.raw(`select value from service_secrets where name = ?`, [name]),
  );
  if (!row) throw new Error(`service secret ${name} could not be stored`);
  return Buffer.from(row.value);
}
