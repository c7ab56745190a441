/**
 * npm run bench:soak [-- --minutes 30 --rate 1000 --report-minutes 5]
 *
 * A soak benchmark, not a test: `billing serve` (its own process, production heap flags, on
 * PostgreSQL) takes a steady RATE CDRs/s from one bridge for MINUTES, while in the background a
 * period close runs every minute (50 customers at a time) and a quote every second. Every
 * REPORT-MINUTES it prints the service's RSS, its event-loop lag p99 (from its own /metrics) and the
 * acknowledgement p99 of that interval; at the end, the first and last interval side by side.
 * Goal: RSS and lag flat (no growth trend), ack p99 under 50 ms throughout.
 * DATABASE_URL names the server (default postgresql://postgres@127.0.0.1:5432/postgres); the bench
 * creates and drops its own database there.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createChannel, createClient, Metadata } from 'nice-grpc';
import { AccessType } from '../src/gen/billing/v1/common';
import { CdrIngestServiceDefinition } from '../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../src/gen/billing/v1/rating_service';
import { BridgeSimulator } from '../src/simulator/bridge-simulator';
import { generateCdrs } from '../src/simulator/cdr-generator';
import { createCustomers } from '../test/support/customers';
import { spawnService } from '../test/support/service-process';
import { adminQuery, percentile } from './bench-support';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '1000' },
    'report-minutes': { type: 'string', default: '5' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const reportEveryMs = Number(values['report-minutes']) * 60_000;
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = `billing_soak_${crypto.randomBytes(4).toString('hex')}`;
const customers = Array.from({ length: 1000 }, (_, i) => `SOAK-${i + 1}`);
/** Calls are dated in October 2026, a period that has ended, so closing it is real work. */
const OCTOBER = new Date('2026-10-15T12:00:00Z');

interface Interval {
  minute: number;
  rssMb: number;
  lagP99Ms: number;
  ackP99Ms: number;
  acked: number;
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

/** The service's own event-loop lag p99 (prom-client's nodejs_eventloop_lag_p99_seconds). */
function eventLoopLagP99Ms(metricsPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${metricsPort}/metrics`, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () =>
          resolve(Number(/^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(body)?.[1] ?? NaN) * 1000),
        );
      })
      .on('error', reject);
  });
}

async function main() {
  await adminQuery(serverUrl, `create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-soak-'));
  const service = await spawnService({
    DATABASE_URL: url.toString(),
    BILLING_DATA_DIR: dataDir,
    BILLING_METRICS_ADDR: '127.0.0.1:0',
    BILLING_CONSOLE_ADDR: 'off',
  });
  const metricsPort = Number(service.logs.find((l) => l.msg === 'billing service serving')?.metricsPort);
  const stop = new AbortController();
  try {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const channel = createChannel(`127.0.0.1:${service.port}`);
    const auth = { '*': { metadata: new Metadata({ authorization: `Bearer ${token}` }) } };
    await createCustomers(createClient(CustomerServiceDefinition, channel, auth), customers);
    const ingest = createClient(CdrIngestServiceDefinition, channel, auth);
    const invoices = createClient(InvoiceServiceDefinition, channel, auth);
    const rating = createClient(RatingServiceDefinition, channel, auth);

    console.log(
      `soak: ${rate} CDRs/s for ${minutes} min, a close a minute, a quote a second; report every ${values['report-minutes']} min`,
    );
    console.log('minute  acked      RSS MB  event-loop lag p99 ms  ack p99 ms');
    const intervals: Interval[] = [];
    let latencies: number[] = [];
    let acked = 0;
    const started = Date.now();
    const report = async () => {
      latencies.sort((a, b) => a - b);
      const row: Interval = {
        minute: Math.round((Date.now() - started) / 60_000),
        rssMb: rssMb(service.child.pid!),
        lagP99Ms: await eventLoopLagP99Ms(metricsPort),
        ackP99Ms: percentile(latencies, 99),
        acked,
      };
      latencies = [];
      intervals.push(row);
      console.log(
        `${String(row.minute).padStart(6)}  ${String(row.acked).padStart(9)}  ${row.rssMb.toFixed(0).padStart(6)}  ${row.lagP99Ms.toFixed(1).padStart(21)}  ${String(row.ackP99Ms).padStart(10)}`,
      );
    };
    const reporter = setInterval(() => void report(), reportEveryMs);

    let closedUpTo = 0;
    const closer = setInterval(() => {
      const account = customers.slice(closedUpTo, closedUpTo + 50);
      closedUpTo = (closedUpTo + 50) % customers.length;
      for (const customerAccount of account) {
        void invoices
          .closeBillingPeriod({
            requestId: crypto.randomUUID(),
            customerAccount,
            periodContaining: OCTOBER,
            issue: false,
          })
          .catch(() => {});
      }
    }, 60_000);
    const quoter = setInterval(() => {
      void rating
        .quoteCall({
          customerAccount: customers[0]!,
          accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
          calledNumber: '+46701234567',
          startTime: OCTOBER,
          durationSeconds: 300,
          participants: 1,
        })
        .catch(() => {});
    }, 1_000);

    // One minute of CDRs at a time, so the bench's own memory stays flat too.
    const simulator = new BridgeSimulator(ingest);
    for (let minute = 0; Date.now() - started < minutes * 60_000; minute++) {
      const cdrs = [
        ...generateCdrs(
          {
            bridgeId: 'soak-bridge',
            customers,
            from: OCTOBER,
            seed: minute + 1,
            recordPrefix: `m${minute}-`,
          },
          rate * 60,
        ),
      ];
      await simulator.sendAll(cdrs, {
        batchSize: 20,
        window: 64,
        ratePerSecond: rate,
        signal: stop.signal,
        onAck: (r, ms) => ((acked += r.length), latencies.push(ms)),
      });
    }
    clearInterval(reporter);
    clearInterval(closer);
    clearInterval(quoter);
    await report();
    channel.close();

    const first = intervals[0]!;
    const last = intervals[intervals.length - 1]!;
    console.log(
      `first interval: RSS ${first.rssMb.toFixed(0)} MB, lag p99 ${first.lagP99Ms.toFixed(1)} ms, ack p99 ${first.ackP99Ms} ms`,
    );
    console.log(
      `last interval:  RSS ${last.rssMb.toFixed(0)} MB, lag p99 ${last.lagP99Ms.toFixed(1)} ms, ack p99 ${last.ackP99Ms} ms`,
    );
    console.log(
      `worst ack p99 over all intervals: ${Math.max(...intervals.map((i) => i.ackP99Ms))} ms (goal < 50 ms)`,
    );
  } finally {
    stop.abort();
    service.child.kill('SIGTERM');
    await service.exited;
    await adminQuery(serverUrl, `drop database if exists ${dbName} with (force)`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
