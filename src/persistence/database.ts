/**
 * One ORM init for the process: the PostgreSQL server named by DATABASE_URL, or the embedded
 * PostgreSQL (PGlite) kept in the data directory. Same entities and migrations in both modes.
 * Customers, contracts and bookings are read (and bookings written) through MikroORM entities with
 * an EntityManager fork per call; hot paths and locking writes are SQL through the same connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MikroORM, PostgreSqlDriver, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../migrations/index';
import type { Logger } from '../observability/logger';
import { entities } from './entities/index';
import { embeddedTemplate } from './embedded-template';
import { inspectDataDirectory, lockDataDirectory, openFailed, probeTables } from './embedded-directory-check';
import { redactDatabaseUrl, waitForDatabase, type ConnectionCheck } from './wait-for-database';

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, the embedded database in `dataDir` is used. */
  databaseUrl?: string;
  dataDir: string;
  /** Pool size for a PostgreSQL server (the embedded database has exactly one connection). */
  poolSize?: number;
  /**
   * How long to wait for an unreachable PostgreSQL server when opening, with backoff (the service
   * at start-up); default 0: one attempt, fail at once (the CLI's one-shot commands).
   */
  waitMs?: number;
  /** Gets the wait's progress and the pool's warnings (a dead connection dropped) as JSON lines. */
  logger?: Logger;
}

export interface Database {
  orm: MikroORM;
  kind: 'postgresql' | 'embedded';
  /** Applies pending migrations; returns the names applied. */
  migrate(): Promise<string[]>;
  /** True when a trivial query succeeds within `timeoutMs` (health checks: a hung socket must not hang the probe). */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const common: Options = {
  entities,
  migrations: {
    migrationsList,
    tableName: 'schema_migrations',
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    silent: true,
  },
  // The entities are EntitySchema objects listed here: no decorators, no reflection, no folder scan.
  debug: false,
  allowGlobalContext: false,
};

/**
 * A PostgreSQL server may restart or fail over under a running service. knex already drops a
 * pooled connection whose socket ended or errored when it is next acquired, so after a restart
 * dead connections are replaced, never reused. These settings bound what is left: no idle
 * connections kept beyond 30 s, a connect attempt to a host that does not answer fails after 10 s,
 * and a caller waiting for a free connection fails after 30 s (answered UNAVAILABLE, and a bridge
 * resends) instead of hanging. TCP keepalive finds a connection whose server vanished without a
 * word (a network partition, a VM gone), which would otherwise look alive for hours.
 */
const SERVER_POOL = {
  min: 0,
  acquireTimeoutMillis: 30_000,
  createTimeoutMillis: 10_000,
  idleTimeoutMillis: 30_000,
  reapIntervalMillis: 1_000,
};
const SERVER_CONNECTION = {
  keepAlive: true,
  keepAliveInitialDelayMillis: 10_000,
  connectionTimeoutMillis: 10_000,
};
const PING_TIMEOUT_MS = 2_000;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const logger = options.logger;
    const orm = await MikroORM.init({
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: options.databaseUrl,
      pool: { ...SERVER_POOL, max: options.poolSize ?? 8 },
      // Not yet: connecting is the wait below, so an absent server does not fail the init.
      connect: false,
      driverOptions: {
        connection: SERVER_CONNECTION,
        // knex would print "Connection Error: ..." on stderr when it drops a dead connection.
        ...(logger && {
          log: {
            warn: (m: string) => logger.warn({ pool: m }, 'database pool'),
            error: (m: string) => logger.error({ pool: m }, 'database pool'),
            deprecate: () => {},
            debug: () => {},
          },
        }),
      },
    });
    try {
      await waitForDatabase(() => serverAnswers(orm), {
        budgetMs: options.waitMs ?? 0,
        target: redactDatabaseUrl(options.databaseUrl),
        logger,
      });
      // The check's pool has served; connect() builds the one the service keeps and creates the
      // database when it is missing, as an eager init would have.
      await orm.em.getConnection().close(true);
      await orm.connect();
    } catch (error) {
      await orm.close(true);
      throw error;
    }
    return wrap(orm, 'postgresql', async () => {});
  }
  return openEmbedded(path.join(options.dataDir, 'pgdata'), options.logger);
}

/**
 * The embedded database, after the checks in embedded-directory-check.ts: one process at a time,
 * not after the machine went down under it, not an incomplete or unreadable directory. Each refusal
 * is an EmbeddedDatabaseError naming the directory and what to do; `billing serve` logs it as fatal
 * and exits 1, so a supervisor shows a clear reason instead of a service serving wrong data.
 */
async function openEmbedded(dir: string, logger: Logger | undefined): Promise<Database> {
  const lock = lockDataDirectory(dir);
  try {
    if (lock.uncleanPrevious) {
      // kill -9, the OOM killer, a crash: every COMMIT's WAL had reached the operating system, so
      // PostgreSQL's recovery replays it now and nothing acknowledged is lost.
      logger?.warn(
        { directory: dir, previousPid: lock.uncleanPrevious.pid, previousSince: lock.uncleanPrevious.since },
        'the embedded database was not closed cleanly (its process was killed or crashed); recovering from its write-ahead log',
      );
    }
    const state = inspectDataDirectory(dir);
    fs.mkdirSync(dir, { recursive: true });
    // Loaded only in embedded mode: a service on a PostgreSQL server never pays for PGlite.
    const [{ PGlite }, { PGliteDriver }] = await Promise.all([
      import('@electric-sql/pglite'),
      import('mikro-orm-pglite'),
    ]);
    const template = state === 'new' ? embeddedTemplate() : undefined;
    const pglite = new PGlite(dir, template && { loadDataDir: template });
    if (state === 'new') {
      logger?.info(
        { directory: dir, fromTemplate: Boolean(template) },
        template
          ? 'creating the embedded database from the build template'
          : 'creating the embedded database (initdb)',
      );
    }
    try {
      await pglite.waitReady;
    } catch (error) {
      throw openFailed(dir, error);
    }
    try {
      if (state === 'complete') await probeTables(dir, pglite);
      const orm = await MikroORM.init({
        ...common,
        driver: PGliteDriver as unknown as typeof PostgreSqlDriver,
        dbName: 'postgres',
        driverOptions: { connection: { pglite: () => pglite } },
      });
      return wrap(orm, 'embedded', async () => {
        try {
          await pglite.close();
        } finally {
          lock.release();
        }
      });
    } catch (error) {
      await pglite.close().catch(() => undefined);
      throw error;
    }
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** The server answers; a missing database counts, since connect() creates it. */
async function serverAnswers(orm: MikroORM): Promise<ConnectionCheck> {
  const check = await orm.em.getConnection().checkConnection();
  if (!check.ok && (check.error as { code?: unknown } | undefined)?.code === '3D000') return { ok: true };
  return check;
}

/** True when every migration this build knows has been applied (false when the table is missing). */
async function allMigrationsApplied(orm: MikroORM): Promise<boolean> {
  try {
    const rows = await orm.em
      .getConnection()
      .execute<{ name: string }[]>('select name from schema_migrations');
    const applied = new Set(rows.map((r) => r.name));
    return migrationsList.every((m) => applied.has(m.name));
  } catch {
    return false;
  }
}

function wrap(orm: MikroORM, kind: Database['kind'], closeEngine: () => Promise<void>): Database {
  return {
    orm,
    kind,
    async migrate() {
      // A database that served before usually has nothing pending: one query instead of the
      // migrator's run (its table check, transaction and lock) at every start.
      if (await allMigrationsApplied(orm)) return [];
      const applied = await new Migrator(orm.em).up();
      return applied.map((m) => m.name);
    },
    async ping(timeoutMs = PING_TIMEOUT_MS) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const answered = orm.em
        .getConnection()
        .execute('select 1')
        .then(
          () => true,
          () => false,
        );
      try {
        return await Promise.race([answered, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await orm.close(true);
      await closeEngine();
    },
  };
}
