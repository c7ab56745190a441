/**
 * The measured parts of the ingest benchmark, shared by `bench:ingest` (bench/ingest.ts) and
 * `bench:growth` (bench/growth.ts): `billing serve` as its own process on a given database, CDRs
 * streamed into it over gRPC as bridges send them, acknowledgement latency at a steady rate, and the
 * plain-insert baseline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { createChannel, createClient, Metadata, type Channel, type Client } from 'nice-grpc';
import pg from 'pg';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { BridgeSimulator } from '../../src/simulator/bridge-simulator';
import { generateCdrs } from '../../src/simulator/cdr-generator';
import { spawnService, type ServiceProcess } from '../../test/support/service-process';
import { createCustomers } from '../../test/support/customers';

/** A running service and clients of it; `stop()` ends the process and removes its data directory. */
export interface IngestService {
  process: ServiceProcess;
  pid: number;
  /** The database the service writes to. */
  databaseUrl: string;
  channel: Channel;
  ingest: Client<typeof CdrIngestServiceDefinition>;
  sales: Client<typeof CustomerServiceDefinition>;
  stop(): Promise<void>;
}

export async function startIngestService(databaseUrl: string): Promise<IngestService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-bench-'));
  const service = await spawnService({ DATABASE_URL: databaseUrl, BILLING_DATA_DIR: dataDir });
  const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
  const channel = createChannel(`127.0.0.1:${service.port}`);
  const auth = { '*': { metadata: new Metadata({ authorization: `Bearer ${token}` }) } };
  return {
    process: service,
    pid: service.child.pid!,
    databaseUrl,
    channel,
    ingest: createClient(CdrIngestServiceDefinition, channel, auth),
    sales: createClient(CustomerServiceDefinition, channel, auth),
    async stop() {
      channel.close();
      service.child.kill('SIGTERM');
      await service.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates customers through CustomerService, as the sales system would. */
export function createIngestCustomers(service: IngestService, accounts: string[]): Promise<void> {
  return createCustomers(service.sales, accounts);
}

export interface StreamOptions {
  total: number;
  /** Bridges streaming at once, each on its own stream. */
  streams: number;
  customers: string[];
  /** Calls start from here on. */
  from: Date;
  /** The bridge id of stream `s` (default `bench-bridge-${s}`). */
  bridgeId?: (stream: number) => string;
}

export interface StreamResult {
  accepted: number;
  seconds: number;
  cdrsPerSecond: number;
  /** CPU time (user + system) of the service per CDR, in microseconds. */
  cpuPerCdrUs: number;
  /**
   * CPU time per CDR, in microseconds, of the service's PostgreSQL server: its postmaster and every
   * process it started (backends, WAL writer, checkpointer; those that ended meanwhile through the
   * postmaster's children's time). Undefined when the server does not run on this machine.
   */
  databaseCpuPerCdrUs: number | undefined;
  /** CPU time of this bench process per CDR (generating, encoding and sending the CDRs), in microseconds. */
  benchCpuPerCdrUs: number;
}

/**
 * Throughput: `streams` bridges, each on its own stream with batches of 500 and a window of 4
 * unacknowledged batches; CDRs generated in chunks so the bench's own memory stays small.
 */
export async function streamCdrs(service: IngestService, options: StreamOptions): Promise<StreamResult> {
  const { total, streams, customers, from } = options;
  const bridgeId = options.bridgeId ?? ((s: number) => `bench-bridge-${s}`);
  const chunk = 50_000;
  let accepted = 0;
  const cpuBefore = cpuSeconds(service.pid);
  const postmaster = await postmasterOf(service.databaseUrl);
  const databaseBefore = postmaster && serverCpuSeconds(postmaster);
  const benchBefore = process.cpuUsage();
  const started = performance.now();
  const perStream = Math.ceil(total / streams);
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      const simulator = new BridgeSimulator(service.ingest);
      for (let sent = 0; sent < perStream; sent += chunk) {
        const n = Math.min(chunk, perStream - sent);
        const cdrs = [
          ...generateCdrs(
            { bridgeId: bridgeId(s), customers, from, seed: sent + 1, recordPrefix: `b${sent}` },
            n,
          ),
        ];
        const report = await simulator.sendAll(cdrs, { batchSize: 500, window: 4 });
        accepted += report.results.filter((r) => r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED).length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const bench = process.cpuUsage(benchBefore);
  const database = postmaster && serverCpuSeconds(postmaster) - databaseBefore!;
  return {
    accepted,
    seconds,
    cdrsPerSecond: total / seconds,
    cpuPerCdrUs: ((cpuSeconds(service.pid) - cpuBefore) / total) * 1e6,
    databaseCpuPerCdrUs: database === undefined ? undefined : (database / total) * 1e6,
    benchCpuPerCdrUs: (bench.user + bench.system) / total,
  };
}

/**
 * Acknowledgement latencies (ms, ascending) of one bridge sending batches of 20 at a steady
 * `ratePerSecond` (default 1,000 CDRs/s) for 15 s, on a bridge id of its own.
 */
export async function steadyAckLatencies(
  service: IngestService,
  customers: string[],
  from: Date,
  ratePerSecond = 1000,
): Promise<number[]> {
  const simulator = new BridgeSimulator(service.ingest);
  const latencies: number[] = [];
  const bridgeId = `bench-steady-${ratePerSecond}`;
  const steady = [...generateCdrs({ bridgeId, customers, from, recordPrefix: 'steady' }, ratePerSecond * 15)];
  await simulator.sendAll(steady, {
    batchSize: 20,
    window: 64,
    ratePerSecond,
    onAck: (_r, ms) => latencies.push(ms),
  });
  return latencies.sort((a, b) => a - b);
}

/**
 * Baseline: plain INSERT ... SELECT FROM unnest(...) of the same kind of rows, 1000 a statement, into
 * a table of the same shape as cdrs; rows/s.
 */
export async function rawInsertRate(url: string, rows: number, customers: string[]): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('create table raw_cdrs (like cdrs including all)');
  const cdrs = [
    ...generateCdrs(
      { bridgeId: 'raw', customers, from: new Date('2026-10-01T00:00:00Z'), recordPrefix: 'raw' },
      rows,
    ),
  ];
  const started = performance.now();
  for (let i = 0; i < cdrs.length; i += 1000) {
    const chunk = cdrs.slice(i, i + 1000);
    const col = <T>(f: (c: Cdr) => T) => chunk.map(f);
    await c.query(
      `insert into raw_cdrs (bridge_id, record_id, fingerprint, conference_id, booking_id, customer_account, access_type,
         caller_number, called_number, start_time, answer_time, end_time, duration_seconds, rating_status)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
         $9::text[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::int[], $14::text[])
       on conflict do nothing`,
      [
        col((x) => x.bridgeId),
        col((x) => x.recordId),
        col((x) => crypto.createHash('sha256').update(x.recordId).digest('hex')),
        col((x) => x.conferenceId),
        col(() => null),
        col((x) => x.customerAccount),
        col(() => 'dial_out'),
        col((x) => x.callerNumber || null),
        col((x) => x.calledNumber || null),
        col((x) => x.startTime!),
        col((x) => x.answerTime ?? null),
        col((x) => x.endTime!),
        col((x) => x.durationSeconds),
        col(() => 'rated'),
      ],
    );
  }
  const rate = rows / ((performance.now() - started) / 1000);
  await c.query('drop table raw_cdrs');
  await c.end();
  return rate;
}

/** CPU seconds (user + system) the process has used so far, from /proc: less noisy than wall time on a shared machine. */
function cpuSeconds(pid: number): number {
  return ticksToSeconds(statFields(pid), 11, 12);
}

/** The sum of stat fields [from, to] (CPU times in clock ticks, 100 a second on Linux), in seconds. */
function ticksToSeconds(fields: string[], from: number, to: number): number {
  let ticks = 0;
  for (let i = from; i <= to; i++) ticks += Number(fields[i]);
  return ticks / 100;
}

/**
 * The pid of the PostgreSQL server's postmaster on this machine (the parent of a backend of
 * `databaseUrl`), or undefined when that backend is not a local postgres process.
 */
async function postmasterOf(databaseUrl: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const backend = rows[0]!.pid;
    if (!isPostgres(backend)) return undefined;
    const parent = statFields(backend)[1]!;
    return isPostgres(Number(parent)) ? Number(parent) : undefined;
  } finally {
    await client.end();
  }
}

function isPostgres(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres';
  } catch {
    return false;
  }
}

/** /proc/PID/stat's fields after the command name: state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14]. */
function statFields(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
}

/**
 * CPU seconds so far of a PostgreSQL server: the postmaster's own and its ended children's
 * (cutime, cstime), and those of its live children.
 */
function serverCpuSeconds(postmaster: number): number {
  let total = ticksToSeconds(statFields(postmaster), 11, 14);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(Number(entry));
      if (Number(fields[1]) === postmaster) total += ticksToSeconds(fields, 11, 12);
    } catch {
      // The process ended while the list was read; its time is now the postmaster's cutime.
    }
  }
  return total;
}

export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}
