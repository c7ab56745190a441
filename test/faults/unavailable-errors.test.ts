/**
 * Which errors mean "the database is unreachable" (UNAVAILABLE) and which are bugs or refusals
 * (INTERNAL or their own status): real errors from node-postgres and knex against a closed port and
 * a server that never answers, as MikroORM wraps them, and the SQLSTATEs PostgreSQL sends.
 */
import net from 'node:net';
import { DriverException } from '@mikro-orm/core';
import { knex } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors';
import {
  isDatabaseBusy,
  isDatabaseUnavailable,
} from '../../src/transport/grpc/middleware/unavailable-errors';

/** A port that accepts connections and never says a word (a hung or blackholed server). */
let silent: net.Server;
let silentPort: number;
let closedPort: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  silent = net.createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('database unavailable errors', () => {
  it('recognises a refused connection, as knex raises it and as MikroORM wraps it', async () => {
    const db = knex({
      client: 'pg',
      connection: { host: '127.0.0.1', port: closedPort, user: 'postgres' },
      pool: { min: 0, max: 1 },
    });
    try {
      const error = await errorOf(() => db.raw('select 1'));
      expect((error as { code?: string }).code).toBe('ECONNREFUSED');
      expect(isDatabaseUnavailable(error)).toBe(true);
      expect(isDatabaseUnavailable(new DriverException(error as Error))).toBe(true);
      expect(isDatabaseUnavailable(new Error('batch failed', { cause: error }))).toBe(true);
      expect(isDatabaseUnavailable(new AggregateError([error], 'all addresses failed'))).toBe(true);
    } finally {
      await db.destroy();
    }
  });

  it('recognises a pool that cannot hand out a connection in time, and a connect that times out', async () => {
    // The connect itself gives up a little later, so destroy() does not wait for the pending create.
    const db = knex({
      client: 'pg',
      connection: { host: '127.0.0.1', port: silentPort, user: 'postgres', connectionTimeoutMillis: 500 },
      pool: { min: 0, max: 1, createTimeoutMillis: 500 },
      acquireConnectionTimeout: 200,
    });
    try {
      const error = await errorOf(() => db.raw('select 1'));
      expect((error as Error).name).toBe('KnexTimeoutError');
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await db.destroy().catch(() => undefined);
    }
    const client = new pg.Client({
      host: '127.0.0.1',
      port: silentPort,
      user: 'postgres',
      connectionTimeoutMillis: 200,
    });
    const error = await errorOf(() => client.connect());
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('recognises the SQLSTATEs of a lost or refused connection', () => {
    for (const code of ['08000', '08001', '08003', '08006', '08P01', '57P01', '57P02', '57P03', '53300']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('server said no'), { code })), code).toBe(true);
    }
    for (const message of [
      'Connection terminated unexpectedly',
      'COMMIT; - Client has encountered a connection error and is not queryable',
    ]) {
      expect(isDatabaseUnavailable(new Error(message)), message).toBe(true);
    }
  });

  it('tells a lock wait that ran out (busy) from an outage, as PostgreSQL raises it', async () => {
    const url = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
    const holder = new pg.Client({ connectionString: url });
    const waiter = new pg.Client({ connectionString: url });
    await holder.connect();
    await waiter.connect();
    try {
      // Any lock wait honours lock_timeout; an advisory lock needs no table.
      await holder.query('begin');
      await holder.query('select pg_advisory_xact_lock(424242)');
      await waiter.query(`set lock_timeout = '50ms'`);
      const error = await errorOf(() => waiter.query('select pg_advisory_lock(424242)'));
      expect((error as { code?: string }).code).toBe('55P03');
      expect(isDatabaseBusy(error)).toBe(true);
      expect(isDatabaseBusy(new DriverException(error as Error))).toBe(true);
      expect(isDatabaseUnavailable(error)).toBe(false);
    } finally {
      await holder.end();
      await waiter.end();
    }
    expect(isDatabaseBusy(Object.assign(new Error('deadlock detected'), { code: '40P01' }))).toBe(false);
    expect(isDatabaseBusy(new Error('lock timeout'))).toBe(false);
  });

  it('leaves bugs and refusals alone: they are not outages', () => {
    for (const code of ['23505', '40P01', '40001', '22P02', '42P01', '28P01']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('server said no'), { code })), code).toBe(false);
    }
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(
      false,
    );
    expect(isDatabaseUnavailable(new ValidationError([{ field: 'cdrs', reason: 'required' }]))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable('ECONNREFUSED')).toBe(false);
    // A cycle of causes ends.
    const looped = new Error('a');
    (looped as { cause?: unknown }).cause = looped;
    expect(isDatabaseUnavailable(looped)).toBe(false);
  });
});
