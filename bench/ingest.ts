/**
 * npm run bench:ingest [-- COUNT [STREAMS]]
 *
 * Streams COUNT (default 1,000,000) simulated CDRs into `billing serve` running as its own process
 * on PostgreSQL, and prints, all measured in this one run:
 *   - end to end: CDRs/s committed, priced and acknowledged;
 *   - baseline: plain INSERT ... SELECT FROM unnest(...) of the same rows, 1000 a statement, into a
 *     table of the same shape, and the ratio of the two;
 *   - acknowledgement latency p50/p99 at a steady 1,000 CDRs/s (batches of 20, as a bridge sends),
 *     and at 5,000 CDRs/s on one stream (a busy bridge: 250 small batches a second);
 *   - peak RSS of the service process, and its CPU time per CDR while streaming, beside the CPU
 *     time per CDR of PostgreSQL's processes (when the server runs on this machine) and of the
 *     bench itself: on one machine the three share the cores.
 * DATABASE_URL names the server (default postgresql://postgres@127.0.0.1:5432/postgres); the bench
 * creates and drops its own database there (BENCH_DB names it). The measured parts live in ./support/ingest-run.ts
 * (bench:growth measures the same ingest with a year of history in the database).
 */
import crypto from 'node:crypto';
import { adminQuery, percentile } from './bench-support';
import {
  createIngestCustomers,
  peakRssMb,
  rawInsertRate,
  startIngestService,
  steadyAckLatencies,
  streamCdrs,
} from './support/ingest-run';

const total = Number(process.argv[2] ?? 1_000_000);
/** Bridges streaming at once (each bridge one stream), as a provider with several bridges has. */
const STREAMS = Number(process.argv[3] ?? 2);
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = process.env.BENCH_DB ?? `billing_bench_${crypto.randomBytes(4).toString('hex')}`;
const customers = Array.from({ length: 1000 }, (_, i) => `CUST-${i + 1}`);

const admin = (sql: string) => adminQuery(serverUrl, sql);

async function main() {
  await admin(`create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const service = await startIngestService(url.toString());
  try {
    await createIngestCustomers(service, customers);
    const run = await streamCdrs(service, {
      total,
      streams: STREAMS,
      customers,
      from: new Date('2026-11-01T00:00:00Z'),
    });
    const latencies = await steadyAckLatencies(service, customers, new Date('2026-11-02T00:00:00Z'));
    // A busy bridge that flushes every 20 records: 250 small batches a second on one stream.
    const busy = await steadyAckLatencies(service, customers, new Date('2026-11-03T00:00:00Z'), 5000);
    const rss = peakRssMb(service.pid);

    const raw = await rawInsertRate(url.toString(), Math.min(total, 200_000), customers);
    console.log(`CDRs sent:                     ${total} on ${STREAMS} streams (${run.accepted} accepted)`);
    console.log(
      `end to end (committed, priced, acknowledged): ${Math.round(run.cdrsPerSecond)} CDRs/s in ${run.seconds.toFixed(1)} s`,
    );
    console.log(`baseline plain INSERT ... unnest (1000/stmt):  ${Math.round(raw)} rows/s`);
    console.log(`ratio end to end / raw insert: ${((run.cdrsPerSecond / raw) * 100).toFixed(0)}%`);
    console.log(
      `ack latency at 1,000 CDRs/s (batches of 20): p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
    );
    console.log(
      `ack latency at 5,000 CDRs/s on one stream (batches of 20): p50 ${percentile(busy, 50)} ms, p99 ${percentile(busy, 99)} ms`,
    );
    console.log(`service peak RSS: ${rss.toFixed(0)} MB`);
    console.log(`service CPU per CDR (throughput phase): ${run.cpuPerCdrUs.toFixed(0)} us`);
    const databaseCpu = run.databaseCpuPerCdrUs?.toFixed(0);
    console.log(
      `PostgreSQL CPU per CDR (throughput phase, all its processes): ${databaseCpu ? `${databaseCpu} us` : 'n/a (not on this machine)'}`,
    );
    console.log(`this bench's CPU per CDR (generating and sending): ${run.benchCpuPerCdrUs.toFixed(0)} us`);
  } finally {
    await service.stop();
    await admin(`drop database if exists ${dbName} with (force)`);
  }
}

await main();
