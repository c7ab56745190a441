/**
 * `billing serve` as a child process that a test can watch before it serves, or while it fails to:
 * test/support/service-process.ts hands the process out only once it is serving, but a start-up
 * test must see the lines it logs while it waits for its database, and its exit when it gives up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { REPO_ROOT } from '../../support/test-service';

export type LogLine = Record<string, unknown>;

export interface ServeProcess {
  child: ChildProcess;
  /** JSON log lines from stdout so far. */
  logs: LogLine[];
  /** Everything the process wrote, stdout and stderr, as text (to look for leaked secrets). */
  output(): string;
  /** Resolves with the first log line (seen or to come) that matches; rejects if the process exits first. */
  waitForLog(matches: (line: LogLine) => boolean): Promise<LogLine>;
  /** The exit code, or the signal's name. */
  exited: Promise<number | string>;
}

export function spawnServe(env: Record<string, string>): ServeProcess {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/billing.mjs'), 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      BILLING_LISTEN_ADDR: '127.0.0.1:0',
      BILLING_METRICS_ADDR: '',
      BILLING_CONSOLE_ADDR: 'off',
      BILLING_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const text: string[] = [];
  const waiters: { matches(line: LogLine): boolean; resolve(line: LogLine): void }[] = [];
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );

  child.stderr.on('data', (chunk: Buffer) => text.push(chunk.toString()));
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    text.push(`${line}\n`);
    let entry: LogLine;
    try {
      entry = JSON.parse(line) as LogLine;
    } catch {
      return; // not a log line
    }
    logs.push(entry);
    for (const w of waiters.filter((w) => w.matches(entry))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(entry);
    }
  });

  return {
    child,
    logs,
    output: () => text.join(''),
    waitForLog(matches) {
      const seen = logs.find(matches);
      if (seen) return Promise.resolve(seen);
      return new Promise<LogLine>((resolve, reject) => {
        waiters.push({ matches, resolve });
        void exited.then((code) =>
          reject(
            new Error(
              `billing serve exited (${code}) before the awaited log line; output:\n${text.join('').slice(-4000)}`,
            ),
          ),
        );
      });
    },
    exited,
  };
}
