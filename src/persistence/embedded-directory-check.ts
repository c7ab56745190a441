/**
 * Guards for the embedded database's directory (PGlite on Node's file system), so that the service
 * refuses to start on a directory it cannot trust, with one message that names the directory and
 * says what to do, instead of serving wrong data or dying with PGlite's bare "Aborted()".
 *
 * What PGlite 0.3 on Node promises, and what it does not (read from its source and issue tracker):
 * - Its NodeFS passes every write straight to Node's fs (Emscripten NODEFS, `fs.writeSync`), and
 *   PostgreSQL runs with synchronous_commit=on: a COMMIT returns after its WAL record was written to
 *   the operating system. A killed process (kill -9, the OOM killer) loses nothing acknowledged;
 *   crash recovery replays the WAL at the next open (test/faults/embedded-kill.test.ts).
 * - It never fsyncs: NODEFS has no fsync, Emscripten's fdatasync is a no-op and NodeFS.syncToFs does
 *   nothing (`relaxedDurability` only matters for IndexedDB/OPFS, which copy files asynchronously).
 *   A power loss or kernel crash can lose acknowledged commits or leave pages inconsistent.
 * - It takes no lock on the directory (its postmaster.pid always says -42): two processes opening one
 *   directory both succeed and corrupt it (electric-sql/pglite#1106, #327).
 * So this module locks the directory for one process, notices when the previous holder went down
 * with the machine (a different boot id), refuses an incomplete directory, and turns a failed open
 * or an unreadable table into a clear error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The directory cannot be used; `message` says why and what to do. `billing serve` logs it as fatal and exits 1. */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
  constructor(
    readonly directory: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const ADVICE = 'In production use PostgreSQL (set DATABASE_URL).';

/** Files every PostgreSQL data directory has once initdb finished; PGlite aborts on one without them. */
const REQUIRED = ['PG_VERSION', path.join('global', 'pg_control'), 'base'];

/**
 * 'new' when there is nothing yet (PGlite will create it), 'complete' when initdb had finished;
 * throws for a directory with files but without the ones every data directory has.
 */
export function inspectDataDirectory(pgdata: string): 'new' | 'complete' {
  if (!fs.existsSync(pgdata) || fs.readdirSync(pgdata).length === 0) return 'new';
  const missing = REQUIRED.filter((file) => !fs.existsSync(path.join(pgdata, file)));
  if (missing.length === 0) return 'complete';
  throw new EmbeddedDatabaseError(
    pgdata,
    `the embedded database directory ${pgdata} is incomplete (missing ${missing.join(', ')}): the first start was ` +
      `interrupted while creating it, or files were lost. The service will not use it. If it never held data, move it ` +
      `away and start again to create a new one; otherwise restore it from a backup. ${ADVICE}`,
  );
}

/** Who holds the directory: enough to tell a live holder from one that is gone, even after a reboot. */
interface Holder {
  pid: number;
  /** The process's start time in clock ticks since boot (Linux), so a reused pid is not mistaken for the holder. */
  processStart?: string;
  /** Linux's boot id: a different one means the machine restarted while the directory was open. */
  bootId?: string;
  host: string;
  since: string;
}

export interface DirectoryLock {
  /** The holder before us, when it ended without closing the database (killed, crashed). */
  uncleanPrevious?: { pid: number; since: string };
  release(): void;
}

/** Lock files held by this process: a second open in the same process is refused too. */
const heldHere = new Set<string>();

/**
 * Takes `<pgdata>.lock` for this process. Refuses when a live process holds it, or when its holder
 * was running when the machine went down (the files may have lost acknowledged commits). A lock
 * left by a process that died on this boot is taken over; `uncleanPrevious` says so.
 */
export function lockDataDirectory(pgdata: string): DirectoryLock {
  const lockPath = `${pgdata}.lock`;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const me: Holder = {
    pid: process.pid,
    processStart: processStart(process.pid),
    bootId: bootId(),
    host: os.hostname(),
    since: new Date().toISOString(),
  };
  let uncleanPrevious: DirectoryLock['uncleanPrevious'];
  // Retried: a second starter that lost the race for a stale lock finds the winner's lock alive.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, `${JSON.stringify(me)}\n`, { flag: 'wx' });
      heldHere.add(lockPath);
      return {
        uncleanPrevious,
        release() {
          if (!heldHere.delete(lockPath)) return;
          // Only our own lock: never remove one another process took over.
          if (readHolder(lockPath)?.pid === process.pid) fs.rmSync(lockPath, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(lockPath);
    if (holder) {
      if (holder.pid === process.pid && heldHere.has(lockPath)) {
        throw new EmbeddedDatabaseError(
          pgdata,
          `the embedded database ${pgdata} is already open in this process; open it once and share it.`,
        );
      }
      if (holder.bootId && me.bootId && holder.bootId !== me.bootId) {
        throw new EmbeddedDatabaseError(
          pgdata,
          `the embedded database ${pgdata} was open (process ${holder.pid} on ${holder.host}, since ${holder.since}) when the ` +
            `machine went down. PGlite never flushes its files to disk (no fsync), so commits acknowledged shortly before ` +
            `may be lost or its files inconsistent, and the service will not serve from it unchecked. Check the data or ` +
            `restore ${pgdata} from a backup, then delete ${lockPath} to start on it. ${ADVICE}`,
        );
      }
      if (isAlive(holder)) {
        throw new EmbeddedDatabaseError(
          pgdata,
          `the embedded database ${pgdata} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); two ` +
            `processes writing one PGlite directory destroy it. Stop that process first, or use PostgreSQL (DATABASE_URL) ` +
            `to run several.`,
        );
      }
    }
    uncleanPrevious = holder ? { pid: holder.pid, since: holder.since } : { pid: 0, since: 'unknown' };
    // Move the stale lock aside atomically: of two starters racing for it only one succeeds; the other retries.
    const aside = `${lockPath}.stale-${process.pid}`;
    try {
      fs.renameSync(lockPath, aside);
      fs.rmSync(aside, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new EmbeddedDatabaseError(
    pgdata,
    `could not take the lock ${lockPath} for the embedded database ${pgdata}; another process keeps taking it.`,
  );
}

/** A failed PGlite open as an error that names the directory and what to do. */
export function openFailed(pgdata: string, cause: unknown): EmbeddedDatabaseError {
  const version = readText(path.join(pgdata, 'PG_VERSION'));
  return new EmbeddedDatabaseError(
    pgdata,
    `the embedded database in ${pgdata} could not be opened (PGlite: ${describe(cause)}; PG_VERSION ${version ?? 'absent'}): ` +
      `its files are damaged or come from another PostgreSQL version. The service will not serve from it. Restore ` +
      `${pgdata} from a backup, or move it away to start with an empty database. ${ADVICE}`,
    { cause },
  );
}

/** The minimal surface of PGlite used here. */
interface Queryable {
  query<T>(sql: string): Promise<{ rows: T[] }>;
}

/**
 * Reads the first block of every table: PGlite opens a directory whose table files are gone or cut
 * short without complaint, and the first query on them would fail. Cheap (one page per table).
 */
export async function probeTables(pgdata: string, db: Queryable): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind in ('r', 'm') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`,
  );
  for (const { name } of rows) {
    try {
      await db.query(`select 1 from ${name} limit 1`);
    } catch (error) {
      throw new EmbeddedDatabaseError(
        pgdata,
        `the embedded database in ${pgdata} opened, but table ${name} cannot be read (${describe(error)}): its files are ` +
          `damaged. The service will not serve from it. Restore ${pgdata} from a backup. ${ADVICE}`,
        { cause: error },
      );
    }
  }
}

function readHolder(lockPath: string): Holder | undefined {
  const text = readText(lockPath);
  if (!text) return undefined; // gone, or empty: its writer died between creating and writing it
  try {
    const holder = JSON.parse(text) as Holder;
    return Number.isInteger(holder.pid) && holder.pid > 0 ? holder : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(holder: Holder): boolean {
  // Our own pid in a lock we do not hold: a previous run in a restarted container got the same pid.
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it exists, owned by someone else.
  }
  const start = processStart(holder.pid);
  return !(start && holder.processStart && start !== holder.processStart);
}

/** Field 22 of /proc/<pid>/stat (start time since boot); undefined where there is no /proc. */
function processStart(pid: number): string | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  // The command name (field 2) may contain spaces and parentheses: count from the last ')'.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id');
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
