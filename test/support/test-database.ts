/**
 * A fresh, empty database for one test file: a new database on the PostgreSQL server named by
 * DATABASE_URL when it is set (CI runs the suite that way), else an embedded PGlite in a temp dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** Environment for the service: DATABASE_URL (server mode) and BILLING_DATA_DIR. */
  env: Record<string, string>;
  dataDir: string;
  databaseUrl?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-test-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return {
      env: { BILLING_DATA_DIR: dataDir },
      dataDir,
      drop: () => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        return Promise.resolve();
      },
    };
  }
  // A shared server may ask for its own prefix (BILLING_TEST_DB_PREFIX), so each user drops only its own.
  const prefix = process.env.BILLING_TEST_DB_PREFIX ?? 'billing_test';
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix))
    throw new Error(`BILLING_TEST_DB_PREFIX ${prefix} is not a plain identifier`);
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    env: { BILLING_DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    dataDir,
    databaseUrl: url.toString(),
    async drop() {
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement (create/drop database) on the server named by `serverUrl`. */
export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
