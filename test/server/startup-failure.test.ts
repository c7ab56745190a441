/**
 * A start-up step that fails after others have begun stops `billing serve` with code 1 and the
 * reason, instead of leaving it running half-started: what had begun (database, rule watcher,
 * partition upkeep, health probe, delivery worker, the bound gRPC server, the close scheduler) is
 * undone, or the process would stay alive.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { serveUntilExit } from '../support/serve-until-exit';

let taken: net.Server;
let takenAddress: string;
let database: TestDatabase;
beforeAll(async () => {
  taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenAddress = `127.0.0.1:${(taken.address() as net.AddressInfo).port}`;
  database = await createTestDatabase();
});
afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  await database?.drop();
});

describe('a start-up that fails half-way', () => {
  it('exits with code 1 when the gRPC port is taken, after the database and timers were started', async () => {
    const { code, out } = await serveUntilExit({ ...database.env, BILLING_LISTEN_ADDR: takenAddress });
    expect(code).toBe(1);
    expect(out).toContain('address already in use');
    expect(out).not.toMatch(/billing service serving/);
    // It got as far as the steps that keep a process alive.
    expect(out).toMatch(/rule set live/);
  }, 120_000);

  it('exits with code 1 when the metrics port is taken, after the gRPC server and workers started', async () => {
    const outboxDir = path.join(database.dataDir, 'outbox');
    fs.mkdirSync(outboxDir, { recursive: true });
    const { code, out } = await serveUntilExit({
      ...database.env,
      BILLING_METRICS_ADDR: takenAddress,
      BILLING_OUTBOX_DIR: outboxDir,
    });
    expect(code).toBe(1);
    expect(out).toContain('EADDRINUSE');
    expect(out).not.toMatch(/billing service serving/);
  }, 120_000);
});
