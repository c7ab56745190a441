/**
 * The databases every storage conformance suite runs against: the embedded PGlite always, and a
 * PostgreSQL server when one is reachable (DATABASE_URL, else 127.0.0.1:5432), each in a fresh
 * database so the suites start from an empty schema.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/persistence/database';
import { adminQuery } from '../support/test-database';

export interface StorageTarget {
  name: string;
  /** A fresh, migrated database; `close` drops it. */
  open(): Promise<{ database: Database; close(): Promise<void> }>;
}

const LOCAL_SERVER = 'postgresql://postgres@127.0.0.1:5432/postgres';

function answers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const embedded: StorageTarget = {
  name: 'embedded (PGlite)',
  async open() {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-conformance-'));
    const database = await openDatabase({ dataDir });
    await database.migrate();
    return {
      database,
      async close() {
        await database.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
};

function server(serverUrl: string): StorageTarget {
  return {
    name: 'PostgreSQL server',
    async open() {
      const name = `billing_conformance_${crypto.randomBytes(6).toString('hex')}`;
      await adminQuery(serverUrl, `create database ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-conformance-'));
      const database = await openDatabase({ databaseUrl: url.toString(), dataDir });
      await database.migrate();
      return {
        database,
        async close() {
          await database.close();
          await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
          fs.rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  };
}

/** Embedded first; the server too when DATABASE_URL is set or the local port answers. */
export async function storageTargets(): Promise<StorageTarget[]> {
  const url = process.env.DATABASE_URL;
  if (url) return [embedded, server(url)];
  return (await answers('127.0.0.1', 5432)) ? [embedded, server(LOCAL_SERVER)] : [embedded];
}
