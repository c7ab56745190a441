/**
 * A fresh embedded database starts from the build's template (dist/embedded-template.tar.gz) rather
 * than running initdb. What a user relies on: it is a complete, migrated database, and two
 * installations made from the same template do not share secrets (the page-token key is made at
 * first start, never shipped in the template).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsList } from '../../migrations/index';
import { spawnService } from '../support/service-process';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Starts `billing serve` (the build) on a new data directory, stops it, and reads what it stored. */
async function firstStart(): Promise<{ migrations: string[]; pageTokenKey: string; logs: string[] }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-template-test-'));
  dirs.push(dataDir);
  const env: Record<string, string> = { BILLING_DATA_DIR: dataDir, DATABASE_URL: '' };
  const service = await spawnService(env);
  service.child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
  const db = new PGlite(path.join(dataDir, 'pgdata'));
  try {
    const migrations = await db.query<{ name: string }>('select name from schema_migrations order by name');
    const key = await db.query<{ value: string }>(
      `select encode(value, 'hex') as value from service_secrets where name = 'page_token_key'`,
    );
    return {
      migrations: migrations.rows.map((r) => r.name),
      pageTokenKey: key.rows[0]?.value ?? '',
      logs: service.logs.map((l) => String(l.msg)),
    };
  } finally {
    await db.close();
  }
}

describe('a fresh embedded database from the build template', () => {
  it('is fully migrated and gets its own secrets', async () => {
    expect(fs.existsSync(path.join(import.meta.dirname, '../../dist/embedded-template.tar.gz'))).toBe(true);
    const [a, b] = [await firstStart(), await firstStart()];
    const all = migrationsList.map((m) => m.name).sort();
    expect(a.migrations).toEqual(all);
    expect(b.migrations).toEqual(all);
    expect(a.pageTokenKey).toMatch(/^[0-9a-f]{64}$/);
    expect(b.pageTokenKey).toMatch(/^[0-9a-f]{64}$/);
    expect(a.pageTokenKey).not.toBe(b.pageTokenKey);
    expect(a.logs).toContain('creating the embedded database from the build template');
    expect(b.logs).toContain('creating the embedded database from the build template');
    // Two whole service starts and stops, each waiting on readiness: not a latency bound.
  }, 180_000);
});
