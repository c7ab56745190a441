/**
 * A private PostgreSQL 15 cluster whose data directory is one the test chooses (on a small disk,
 * say), run like private-postgres.ts runs its own: initdb and pg_ctl as the `postgres` OS user when
 * the test runs as root, its own port, socket directory and log outside the data directory (so a
 * full disk does not also swallow the server's log).
 */
import { freePort } from './free-port';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface PostgresInDirectory {
  port: number;
  url(database?: string): string;
  /** The server's log so far (to show why a statement failed). */
  log(): string;
  /** Stops the server (immediate) and removes the socket and log directory; the data directory is the caller's. */
  destroy(): Promise<void>;
}

/** The uid and gid PostgreSQL's binaries run as (the `postgres` user as root, else the current user). */
export async function postgresOwner(): Promise<{ uid: number; gid: number }> {
  if (process.getuid?.() !== 0) return { uid: process.getuid!(), gid: process.getgid!() };
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

/** initdb's into `dataDir` (which must not exist yet; its parent must be writable by PostgreSQL's user) and starts the server. */
export async function startPostgresIn(dataDir: string): Promise<PostgresInDirectory> {
  if (!fs.existsSync(path.join(BIN, 'initdb'))) {
    throw new Error(
      `disk-full tests need the PostgreSQL 15 server binaries (initdb, pg_ctl, postgres) in ${BIN}; set POSTGRES_BIN_DIR`,
    );
  }
  const owner = await postgresOwner();
  const side = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-pg-side-'));
  fs.chownSync(side, owner.uid, owner.gid);
  const logFile = path.join(side, 'server.log');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  // The server keeps the real clock (no faketime from the suite's environment), as in production.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME')),
  );
  const pgTool = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(BIN, tool), ...args], { env })
      : run(path.join(BIN, tool), args, { env });

  await pgTool('initdb', [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '--no-instructions',
    '-E',
    'UTF8',
    '--locale',
    'C',
  ]);
  const serverOptions = `-p ${port} -k ${side} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const ctl = (...args: string[]) =>
    pgTool('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', ...args]);
  await ctl('-o', serverOptions, 'start');

  // If the test process dies before destroy(), do not leave a postmaster running.
  const killOnExit = () => {
    try {
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);

  return {
    port,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
    async destroy() {
      process.removeListener('exit', killOnExit);
      if (fs.existsSync(path.join(dataDir, 'postmaster.pid')))
        await ctl('-m', 'immediate', 'stop').catch(() => undefined);
      fs.rmSync(side, { recursive: true, force: true });
    },
  };
}
