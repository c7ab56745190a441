/**
 * Start-up benchmark: `npm run bench:startup [RUNS=5]`. Time from spawning `billing serve` to its
 * "billing service serving" log line (the gRPC port is bound and answers health checks), on the
 * PostgreSQL server named by DATABASE_URL (skipped when unset) and on a fresh embedded data
 * directory each run. The compiled build (bin/billing.mjs → dist/) is measured against the
 * TypeScript sources run through tsx (what bin/billing.mjs did before the build existed) in the
 * same run, alternating, so both see the same machine load. Targets: < 2 s PostgreSQL, < 4 s embedded.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { build } from '../scripts/build.mjs';
import { SERVICE_HEAP_FLAGS } from '../test/support/service-heap-flags';

const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = Number(process.argv[2] ?? 5);
const ENTRIES = {
  compiled: [...SERVICE_HEAP_FLAGS, path.join(REPO_ROOT, 'bin/billing.mjs'), 'serve'],
  tsx: [...SERVICE_HEAP_FLAGS, '--import', 'tsx', path.join(REPO_ROOT, 'src/cli/main.ts'), 'serve'],
} as const;
type Entry = keyof typeof ENTRIES;

/** Milliseconds from spawn to the "serving" line; the process is then stopped with SIGTERM. */
async function timeToServing(entry: Entry, env: Record<string, string | undefined>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ENTRIES[entry], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      BILLING_LISTEN_ADDR: '127.0.0.1:0',
      BILLING_METRICS_ADDR: '',
      BILLING_CONSOLE_ADDR: 'off',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    return await new Promise<number>((resolve, reject) => {
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('"msg":"billing service serving"')) resolve(performance.now() - started);
      });
      void exited.then(() => reject(new Error(`${entry}: billing serve exited before serving`)));
    });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function measure(label: string, env: () => Record<string, string | undefined>): Promise<void> {
  const times: Record<Entry, number[]> = { compiled: [], tsx: [] };
  for (let run = 0; run < RUNS; run++) {
    for (const entry of ['compiled', 'tsx'] as const) times[entry].push(await timeToServing(entry, env()));
  }
  for (const entry of ['compiled', 'tsx'] as const) {
    const runs = times[entry].map((ms) => (ms / 1000).toFixed(2)).join(' ');
    console.log(
      `${label.padEnd(18)} ${entry.padEnd(8)} median ${(median(times[entry]) / 1000).toFixed(2)} s  (runs: ${runs})`,
    );
  }
}

await build();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'billing-startup-'));
try {
  if (process.env.DATABASE_URL) {
    // The data directory holds only the generated admin token here; the database is the server's.
    await measure('postgresql', () => ({ BILLING_DATA_DIR: fs.mkdtempSync(path.join(scratch, 'pg-')) }));
  } else {
    console.log('postgresql: skipped (set DATABASE_URL)');
  }
  await measure('embedded (fresh)', () => ({
    DATABASE_URL: '',
    BILLING_DATA_DIR: fs.mkdtempSync(path.join(scratch, 'embedded-')),
  }));
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
