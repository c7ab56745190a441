/**
 * Runs `billing serve` as a real child process (for signals: SIGTERM, SIGKILL) and finds its port
 * in the structured start-up log line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ratesFileForToday } from './exchange-rates';
import { SERVICE_HEAP_FLAGS } from './service-heap-flags';
import { REPO_ROOT } from './test-service';

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  /** Log lines seen so far (parsed JSON). */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

export async function spawnService(env: Record<string, string>): Promise<ServiceProcess> {
  // The same heap limits as `npm start` (see README, Benchmarks).
  const child = spawn(
    process.execPath,
    [...SERVICE_HEAP_FLAGS, path.join(REPO_ROOT, 'bin/billing.mjs'), 'serve'],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        BILLING_LISTEN_ADDR: '127.0.0.1:0',
        BILLING_METRICS_ADDR: '',
        BILLING_CONSOLE_ADDR: 'off',
        BILLING_LOG_LEVEL: 'info',
        // The suite issues numbers with the example seller (README: BILLING_DEMO).
        BILLING_DEMO: 'true',
        // It runs on the real clock: EUR invoices issued "today" need a rate for today.
        BILLING_EXCHANGE_RATES_FILE: ratesFileForToday(),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  // Wait on readiness (the "serving" log line) or an early exit, however long a loaded machine takes;
  // the test's own timeout bounds it.
  const port = await new Promise<number>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'billing service serving') {
          resolve(entry.port as number);
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`service exited early (${code})`)));
  });
  return { child, port, logs, exited };
}
