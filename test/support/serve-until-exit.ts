/**
 * `billing serve` in its own process until it exits by itself: for start-up failures, where the
 * process must stop with code 1 and say why rather than serve or hang.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './test-service';

/** How long a start-up that should fail may take before it counts as hung (and is killed). */
const HUNG_AFTER_MS = 60_000;

/**
 * Runs `billing serve` with `env` over the defaults; its exit code and everything it wrote. A process
 * still running after HUNG_AFTER_MS is killed and answers code null with "hung" appended.
 */
export async function serveUntilExit(
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
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
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, HUNG_AFTER_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return hung ? { code: null, out: `${out}\nhung: killed after ${HUNG_AFTER_MS} ms` } : { code, out };
}
