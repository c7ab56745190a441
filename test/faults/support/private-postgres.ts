/**
 * A private PostgreSQL 15 cluster for fault tests: its own data directory, port and socket
 * directory, so a test can stop, crash and restart it without touching the machine's shared server
 * (other suites run against that one in parallel). initdb refuses to run as root, so as root every
 * PostgreSQL binary runs as the `postgres` OS user.
 */
import { freePort } from './free-port';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
const BIN = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/** fast: clients are told (57P01) and the server checkpoints; immediate: a crash, recovery at the next start. */
export type StopMode = 'fast' | 'immediate';

export interface PrivatePostgres {
  port: number;
  /** A URL for `database` on this cluster (user postgres, trust authentication, no password). */
  url(database?: string): string;
  createDatabase(name: string): Promise<void>;
  start(): Promise<void>;
  stop(mode?: StopMode): Promise<void>;
  /**
   * `pg_ctl restart -m mode`; with `whileDown`, stop, await it (say, until health says NOT_SERVING),
   * then start, so an outage lasts as long as the test needs to observe it.
   */
  restart(mode?: StopMode, whileDown?: () => Promise<void>): Promise<void>;
  /** Stops the server (immediate) and removes its directory. */
  destroy(): Promise<void>;
}

/** Creates and initialises a cluster; `start()` it (or let the test start it later). */
export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  if (!fs.existsSync(path.join(BIN, 'initdb'))) {
    throw new Error(
      `fault tests need the PostgreSQL 15 server binaries (initdb, pg_ctl, postgres) in ${BIN}; set POSTGRES_BIN_DIR`,
    );
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-private-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    fs.chownSync(root, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();

  // The server is started as a child of pg_ctl; the environment must not carry the suite's
  // faketime (CI moves the test process clock): the server keeps the real clock, as in production.
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
  // fsync off: a process crash (immediate stop) loses nothing the OS holds; synchronous commit stays
  // on, so a commit the service acknowledged is in the WAL before the crash.
  const serverOptions = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=60`;
  const ctl = (...args: string[]) =>
    pgTool('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', ...args]);

  // If the test process dies before destroy(), do not leave a postmaster running.
  const killOnExit = () => {
    const pid = postmasterPid(dataDir);
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killOnExit);

  const cluster: PrivatePostgres = {
    port,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: cluster.url() });
      await client.connect();
      try {
        await client.query(`create database ${name}`);
      } finally {
        await client.end();
      }
    },
    async start() {
      await ctl('-o', serverOptions, 'start');
    },
    async stop(mode = 'fast') {
      await ctl('-m', mode, 'stop');
    },
    async restart(mode = 'fast', whileDown) {
      if (!whileDown) {
        await ctl('-m', mode, '-o', serverOptions, 'restart');
        return;
      }
      await cluster.stop(mode);
      try {
        await whileDown();
      } finally {
        await cluster.start();
      }
    },
    async destroy() {
      process.removeListener('exit', killOnExit);
      if (postmasterPid(dataDir)) await ctl('-m', 'immediate', 'stop').catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The running postmaster's pid, from its pid file (absent when stopped). */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
