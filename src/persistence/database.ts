/**
 * One ORM init for the process: the PostgreSQL server named by DATABASE_URL, or the embedded
 * PostgreSQL (PGlite) kept in the data directory. Same entities and migrations in both modes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { PGlite } from '@electric-sql/pglite';
import { PGliteDriver } from 'mikro-orm-pglite';
import { migrationsList } from '../../migrations/index';
import { entities } from './entities/index';

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, the embedded database in `dataDir` is used. */
  databaseUrl?: string;
  dataDir: string;
  /** Pool size for a PostgreSQL server (the embedded database has exactly one connection). */
  poolSize?: number;
}

export interface Database {
  orm: MikroORM;
  kind: 'postgresql' | 'embedded';
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** True when a trivial query succeeds (health checks). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const common: Options = {
  entities,
  extensions: [Migrator],
  migrations: { migrationsList, tableName: 'schema_migrations', transactional: true, allOrNothing: true, snapshot: false, silent: true },
  // Entities are declared with EntitySchema; nothing needs to be discovered by reflection.
  discovery: { warnWhenNoEntities: false },
  debug: false,
  allowGlobalContext: false,
};

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const orm = await MikroORM.init({
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: options.databaseUrl,
      pool: { min: 0, max: options.poolSize ?? 8 },
    });
    return wrap(orm, 'postgresql', async () => {});
  }
  const dir = path.join(options.dataDir, 'pgdata');
  fs.mkdirSync(dir, { recursive: true });
  const pglite = new PGlite(dir);
  const orm = await MikroORM.init({
    ...common,
    driver: PGliteDriver as unknown as typeof PostgreSqlDriver,
    dbName: 'postgres',
    driverOptions: { connection: { pglite: () => pglite } },
  });
  return wrap(orm, 'embedded', () => pglite.close());
}

function wrap(orm: MikroORM, kind: Database['kind'], closeEngine: () => Promise<void>): Database {
  return {
    orm,
    kind,
    async migrate() {
      const applied = await orm.getMigrator().up();
      return applied.map((m) => m.name);
    },
    async ping() {
      try {
        await orm.em.getConnection().execute('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await orm.close(true);
      await closeEngine();
    },
  };
}
