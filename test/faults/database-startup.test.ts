/**
 * PostgreSQL down when `billing serve` starts: the service waits with exponential backoff, logs
 * one warning per attempt with the next delay (never the password), serves once the database
 * comes, and exits non-zero with a clear message when it does not come within
 * BILLING_DATABASE_WAIT_MS. A server that answers but lacks the database still gets it created.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createChannel, createClient } from 'nice-grpc';
import { HealthDefinition } from 'nice-grpc-server-health';
import { HealthCheckResponse_ServingStatus as ServingStatus } from 'nice-grpc-server-health/lib/proto/grpc/health/v1/health';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/persistence/database';
import { createPrivatePostgres, type PrivatePostgres } from './support/private-postgres';
import { spawnServe, type LogLine, type ServeProcess } from './support/serve-process';

const PASSWORD = 'wait-test-s3cret';
let postgres: PrivatePostgres;
let databaseUrl: string;
let dataDir: string;
let running: ServeProcess | undefined;

beforeAll(async () => {
  postgres = await createPrivatePostgres();
  await postgres.start();
  await postgres.createDatabase('billing_startup');
  await postgres.stop('fast');
  // Trust authentication ignores the password; it is here to prove it never reaches a log line.
  databaseUrl = postgres.url('billing_startup').replace('postgres@', `postgres:${PASSWORD}@`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-startup-'));
});

afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  running = undefined;
});

afterAll(async () => {
  await postgres?.destroy();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const waiting = (line: LogLine) => line.msg === 'waiting for the database';

describe('PostgreSQL at start-up', () => {
  it('still creates a database that does not exist yet once the server answers', async () => {
    await postgres.start();
    try {
      const database = await openDatabase({
        databaseUrl: postgres.url('billing_created_at_start'),
        dataDir,
        waitMs: 10_000,
      });
      try {
        expect(await database.ping()).toBe(true);
        expect((await database.migrate()).length).toBeGreaterThan(0);
      } finally {
        await database.close();
      }
    } finally {
      await postgres.stop('fast');
    }
  });

  it('waits with exponential backoff, logging each attempt, and serves once the database comes', async () => {
    running = spawnServe({
      DATABASE_URL: databaseUrl,
      BILLING_DATA_DIR: dataDir,
      BILLING_DATABASE_WAIT_MS: '300000',
    });
    // The database comes only after the service has been refused three times.
    await running.waitForLog((line) => waiting(line) && line.attempt === 3);
    await postgres.start();
    const serving = await running.waitForLog((line) => line.msg === 'billing service serving');

    const waits = running.logs.filter(waiting);
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(waits.every((w) => w.level === 40)).toBe(true); // warn
    expect(waits.map((w) => w.attempt)).toEqual(waits.map((_, i) => i + 1));
    // 250 ms, doubling: the budget is far from spent, so no delay is cut short.
    expect(waits.slice(0, 3).map((w) => w.nextDelayMs)).toEqual([250, 500, 1000]);
    expect(waits[0]!.database).toBe(databaseUrl.replace(PASSWORD, '***'));
    expect(String(waits[0]!.reason)).toContain('ECONNREFUSED');
    expect(running.logs.some((line) => line.msg === 'database reachable')).toBe(true);
    expect(running.output()).not.toContain(PASSWORD);

    const channel = createChannel(`127.0.0.1:${serving.port as number}`);
    try {
      const health = await createClient(HealthDefinition, channel).check({ service: '' });
      expect(health.status).toBe(ServingStatus.SERVING);
    } finally {
      channel.close();
    }
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    await postgres.stop('fast');
  }, 120_000);

  it('gives up after BILLING_DATABASE_WAIT_MS and exits non-zero, saying why', async () => {
    running = spawnServe({
      DATABASE_URL: databaseUrl,
      BILLING_DATA_DIR: dataDir,
      BILLING_DATABASE_WAIT_MS: '1500',
    });
    const code = await running.exited;
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');

    const fatal = running.logs.find((line) => line.level === 60);
    expect(fatal?.msg).toMatch(
      /^giving up: database postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/billing_startup not reachable after \d+ attempt\(s\)/,
    );
    expect(fatal?.msg).toContain('ECONNREFUSED');
    expect(fatal?.msg).toContain('BILLING_DATABASE_WAIT_MS=1500');
    expect(running.logs.filter(waiting).length).toBeGreaterThanOrEqual(1);
    expect(running.logs.some((line) => line.msg === 'billing service serving')).toBe(false);
    expect(running.output()).not.toContain(PASSWORD);
  }, 120_000);
});
