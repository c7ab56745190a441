/**
 * `billing serve` in its own process until it exits by itself: for start-up failures, where the
 * process must stop with code 1 and say why rather than serve or hang.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './test-service';

/** Runs `billing serve` with `env` over the defaults; its exit code and everything it wrote. */
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
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out };
}
