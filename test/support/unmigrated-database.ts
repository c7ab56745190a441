/**
 * For a test of a migration on data stored before it: a database of the file's own, opened with no
 * migration applied, migrated step by step by the test (`migrateUpTo`, then `db().migrate()` or
 * `migrateUpTo()` for the rest). Dropped after the file.
 */
import { Migrator } from '@mikro-orm/migrations';
import type { Knex } from '@mikro-orm/postgresql';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database } from '../../src/persistence/database';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface UnmigratedDatabase {
  db: () => Database;
  knex: () => Knex;
  /** Applies the migrations up to and including `name` (all of them without one); their names. */
  migrateUpTo: (name?: string) => Promise<string[]>;
}

export function useUnmigratedDatabase(): UnmigratedDatabase {
  let testDb: TestDatabase | undefined;
  let db: Database | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = await openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });
  const opened = () => {
    if (!db) throw new Error('the database opens in beforeAll');
    return db;
  };
  return {
    db: opened,
    knex: () => opened().orm.em.getKnex(),
    migrateUpTo: async (name) => {
      const applied = await new Migrator(opened().orm.em).up(name ? { to: name } : undefined);
      return applied.map((m) => m.name);
    },
  };
}
