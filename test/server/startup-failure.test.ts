/**
 * A start-up step that fails after others have begun (the gRPC port is taken) stops `billing
 * serve` with code 1 and the reason, instead of leaving it running half-started: what had begun
 * (database, rule watcher, partition upkeep, health probe, metrics server) is undone.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { serveUntilExit } from '../support/serve-until-exit';

let taken: net.Server;
let database: TestDatabase;
beforeAll(async () => {
  taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  database = await createTestDatabase();
});
afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  await database?.drop();
});

describe('a start-up that fails half-way', () => {
  it('exits with code 1, naming the taken address, after the database and timers were started', async () => {
    const port = (taken.address() as net.AddressInfo).port;
    const { code, out } = await serveUntilExit({
      ...database.env,
      BILLING_LISTEN_ADDR: `127.0.0.1:${port}`,
      BILLING_METRICS_ADDR: '127.0.0.1:0',
    });
    expect(code).toBe(1);
    expect(out).toContain('address already in use');
    expect(out).not.toMatch(/billing service serving/);
    // It got as far as the steps that keep a process alive.
    expect(out).toMatch(/rule set live/);
  }, 120_000);
});
