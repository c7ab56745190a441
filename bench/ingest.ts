/**
 * npm run bench:ingest [-- COUNT [STREAMS]]
 *
 * Streams COUNT (default 1,000,000) simulated CDRs into `billing serve` running as its own process
 * on PostgreSQL, and prints, all measured in this one run:
 *   - end to end: CDRs/s committed, priced and acknowledged;
 *   - baseline: plain INSERT ... SELECT FROM unnest(...) of the same rows, 1000 a statement, into a
 *     table of the same shape, and the ratio of the two;
 *   - acknowledgement latency p50/p99 at a steady 1,000 CDRs/s (batches of 20, as a bridge sends);
 *   - peak RSS of the service process, and its CPU time per CDR while streaming.
 * DATABASE_URL names the server (default postgresql://postgres@127.0.0.1:5432/postgres); the bench
 * creates and drops its own database there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import pg from 'pg';
import { adminQuery, percentile } from './bench-support';
import { CdrIngestServiceDefinition } from '../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, type Cdr } from '../src/gen/billing/v1/cdr';
import { BridgeSimulator } from '../src/simulator/bridge-simulator';
import { generateCdrs } from '../src/simulator/cdr-generator';
import { spawnService } from '../test/support/service-process';
import { createCustomers } from '../test/support/customers';
import { CustomerServiceDefinition } from '../src/gen/billing/v1/customer_service';

const total = Number(process.argv[2] ?? 1_000_000);
/** Bridges streaming at once (each bridge one stream), as a provider with several bridges has. */
const STREAMS = Number(process.argv[3] ?? 2);
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = `billing_bench_${crypto.randomBytes(4).toString('hex')}`;
const customers = Array.from({ length: 1000 }, (_, i) => `CUST-${i + 1}`);

const admin = (sql: string) => adminQuery(serverUrl, sql);

async function rawInsertRate(url: string, rows: number): Promise<number> {
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
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-bench-'));
  const service = await spawnService({ DATABASE_URL: url.toString(), BILLING_DATA_DIR: dataDir });
  try {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const channel = createChannel(`127.0.0.1:${service.port}`);
    const auth = { '*': { metadata: new Metadata({ authorization: `Bearer ${token}` }) } };
    const client = createClient(CdrIngestServiceDefinition, channel, auth);
    await createCustomers(createClient(CustomerServiceDefinition, channel, auth), customers);

    // Throughput: STREAMS bridges, each on its own stream with batches of 500 and a window of 4
    // unacknowledged batches; CDRs generated in chunks so the bench's own memory stays small.
    const chunk = 50_000;
    let accepted = 0;
    const cpuBefore = cpuSeconds(service.child.pid!);
    const started = performance.now();
    const perStream = Math.ceil(total / STREAMS);
    await Promise.all(
      Array.from({ length: STREAMS }, async (_, s) => {
        const simulator = new BridgeSimulator(client);
        for (let sent = 0; sent < perStream; sent += chunk) {
          const n = Math.min(chunk, perStream - sent);
          const cdrs = [
            ...generateCdrs(
              {
                bridgeId: `bench-bridge-${s}`,
                customers,
                from: new Date('2026-11-01T00:00:00Z'),
                seed: sent + 1,
                recordPrefix: `b${sent}`,
              },
              n,
            ),
          ];
          const report = await simulator.sendAll(cdrs, { batchSize: 500, window: 4 });
          accepted += report.results.filter((r) => r.outcome === CdrOutcome.CDR_OUTCOME_ACCEPTED).length;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const endToEnd = total / seconds;
    const cpuPerCdrUs = ((cpuSeconds(service.child.pid!) - cpuBefore) / total) * 1e6;

    // Latency at a steady 1,000 CDRs/s for 15 s.
    const simulator = new BridgeSimulator(client);
    const latencies: number[] = [];
    const steady = [
      ...generateCdrs(
        {
          bridgeId: 'bench-steady',
          customers,
          from: new Date('2026-11-02T00:00:00Z'),
          recordPrefix: 'steady',
        },
        15_000,
      ),
    ];
    await simulator.sendAll(steady, {
      batchSize: 20,
      window: 64,
      ratePerSecond: 1000,
      onAck: (_r, ms) => latencies.push(ms),
    });
    latencies.sort((a, b) => a - b);
    const rss = peakRssMb(service.child.pid!);
    channel.close();

    const raw = await rawInsertRate(url.toString(), Math.min(total, 200_000));
    console.log(`CDRs sent:                     ${total} on ${STREAMS} streams (${accepted} accepted)`);
    console.log(
      `end to end (committed, priced, acknowledged): ${Math.round(endToEnd)} CDRs/s in ${seconds.toFixed(1)} s`,
    );
    console.log(`baseline plain INSERT ... unnest (1000/stmt):  ${Math.round(raw)} rows/s`);
    console.log(`ratio end to end / raw insert: ${((endToEnd / raw) * 100).toFixed(0)}%`);
    console.log(
      `ack latency at 1,000 CDRs/s (batches of 20): p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
    );
    console.log(`service peak RSS: ${rss.toFixed(0)} MB`);
    console.log(`service CPU per CDR (throughput phase): ${cpuPerCdrUs.toFixed(0)} us`);
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    await admin(`drop database if exists ${dbName} with (force)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
