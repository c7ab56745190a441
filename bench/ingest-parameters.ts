/**
 * npm run bench:ingest-parameters [-- BATCHES [ROWS]]
 *
 * What the two ways of sending a batch to the ingest statement cost (src/persistence/cdr-store.ts):
 * BATCHES (default 60) batches of ROWS (default 1,000) new CDRs, each with its charge, stored
 * through the CDR store on a freshly migrated database, alternately with the column arrays in
 * PostgreSQL's binary format (what a server gets) and as text array literals (what the embedded
 * database gets, and what a server got before, but for the amount, then a numeric[]): the
 * baseline, in the same run. It prints, per
 * batch (medians, the first five rounds left out as warm-up), the wall time of insertBatch (the
 * whole transaction: the database's work included) and this process's CPU time (building the
 * parameters, the driver's work, reading the answer). The rows have the shape ingest stores
 * (customers, contract facts, a charge with its parts); they are made here, not rated.
 * DATABASE_URL names the server (default postgresql://postgres@127.0.0.1:5432/postgres); the
 * bench creates and drops its own database (BENCH_DB names it).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { adminQuery, percentile } from './bench-support';
import type { CdrToStore } from '../src/app/ingest/ports';
import { openDatabase } from '../src/persistence/database';
import { PostgresCdrStore, type ParameterEncoding } from '../src/persistence/cdr-store';

const batches = Number(process.argv[2] ?? 60);
const rowsPerBatch = Number(process.argv[3] ?? 1000);
const WARM_UP = 5;
const CUSTOMERS = 1000;
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = process.env.BENCH_DB ?? `billing_bench_params_${crypto.randomBytes(4).toString('hex')}`;

let next = 0;
/** ROWS new CDRs in November 2026, priced, with the facts ingest stores beside a charge. */
function batchOf(size: number): CdrToStore[] {
  return Array.from({ length: size }, (): CdrToStore => {
    const i = next++;
    const start = Date.UTC(2026, 10, 1) + ((i * 7919) % (29 * 86_400)) * 1000;
    return {
      cdr: {
        bridgeId: `bridge-${i % 2}`,
        recordId: `rec-${i}`,
        conferenceId: `conf-${i % 977}`,
        customerAccount: `CUST-${i % CUSTOMERS}`,
        accessType: 'dial_out',
        callerNumber: '+46701234567',
        calledNumber: '+4681234567',
        startTime: new Date(start),
        answerTime: new Date(start + 2_000),
        endTime: new Date(start + 182_000),
        durationSeconds: 180,
        features: i % 3 ? [] : ['recording'],
      },
      fingerprint: crypto.createHash('sha256').update(String(i)).digest('hex'),
      rating: {
        rated: true,
        charge: {
          amount: '1.3500',
          currency: 'SEK',
          ruleSetHash: 'bench',
          firedRules: ['dial-out-domestic', 'contract-discount'],
          explanation: { inputs: {}, rulesFired: [], steps: [] } as never,
          quantities: () => ({ zone: 'domestic', billedSeconds: 180 }),
          parts: [
            {
              kind: 'usage',
              quantity: '180',
              unitCode: 'SEC',
              price: '0.45',
              baseQuantity: '60',
              discountPercent: '5',
              discountReason: 'contract K-1: 5 %',
            },
          ],
        },
      },
      pricedWith: {
        customer: {
          timeZone: 'Europe/Stockholm',
          currency: 'SEK',
          contract: { id: 'K-1', pricePlan: 'standard', discountPercent: '5', specialPrices: [] },
        },
      },
    };
  });
}

async function main() {
  await adminQuery(serverUrl, `create database ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-params-'));
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir });
  try {
    await database.migrate();
    await database.orm.em.getKnex().raw(
      `insert into rule_sets (hash, name, version, effective_from, currency, files)
         values ('bench', 'bench', '1', '2020-01-01', 'SEK', '{}'::jsonb)`,
    );
    const encodings: ParameterEncoding[] = ['binary', 'text'];
    const stores = new Map(encodings.map((e) => [e, new PostgresCdrStore(database, e)]));
    const wall = new Map(encodings.map((e) => [e, [] as number[]]));
    const cpu = new Map(encodings.map((e) => [e, [] as number[]]));
    for (let round = 0; round < batches; round++) {
      // Alternate which goes first, so neither always follows the other's checkpoint or vacuum.
      for (const encoding of round % 2 ? encodings : [...encodings].reverse()) {
        const rows = batchOf(rowsPerBatch);
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        await stores.get(encoding)!.insertBatch(rows);
        const elapsed = performance.now() - started;
        const used = process.cpuUsage(cpuBefore);
        if (round < WARM_UP) continue;
        wall.get(encoding)!.push(elapsed);
        cpu.get(encoding)!.push((used.user + used.system) / 1000);
      }
    }
    const median = (values: number[]) =>
      percentile(
        [...values].sort((a, b) => a - b),
        50,
      );
    console.log(`${batches - WARM_UP} batches of ${rowsPerBatch} CDRs each way, medians per batch:`);
    for (const encoding of encodings) {
      const perCdr = (ms: number) => ((ms * 1000) / rowsPerBatch).toFixed(1);
      const w = median(wall.get(encoding)!);
      const c = median(cpu.get(encoding)!);
      console.log(
        `${encoding === 'binary' ? 'binary arrays (a server)      ' : 'baseline: text literals       '}` +
          `wall ${w.toFixed(1)} ms (${perCdr(w)} us per CDR), this process's CPU ${c.toFixed(1)} ms (${perCdr(c)} us per CDR)`,
      );
    }
    const ratio = (m: Map<ParameterEncoding, number[]>) =>
      (median(m.get('binary')!) / median(m.get('text')!)).toFixed(2);
    console.log(`binary / text: wall ${ratio(wall)}x, CPU ${ratio(cpu)}x`);
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await adminQuery(serverUrl, `drop database if exists ${dbName} with (force)`);
  }
}

await main();
