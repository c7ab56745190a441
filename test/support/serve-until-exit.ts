/**
 * `billing serve` in its own process until it exits by itself: for start-up failures, where the
 * process must stop with code 1 and say why rather than serve or hang.
 */
import { spawnServe } from '../faults/support/serve-process';

/** How long a start-up that should fail may take before it counts as hung (and is killed). */
const HUNG_AFTER_MS = 60_000;

/**
 * Runs `billing serve` with `env` over the defaults; its exit code and everything it wrote. A process
 * still running after HUNG_AFTER_MS is killed and answers code null with "hung" appended.
 */
export async function serveUntilExit(
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const serve = spawnServe(env);
  // Everything written is read once the pipes close, which comes after the exit.
  const closed = new Promise<void>((resolve) => serve.child.once('close', () => resolve()));
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    serve.child.kill('SIGKILL');
  }, HUNG_AFTER_MS);
  const code = await serve.exited;
  clearTimeout(timer);
  await closed;
  if (hung) return { code: null, out: `${serve.output()}\nhung: killed after ${HUNG_AFTER_MS} ms` };
  return { code: typeof code === 'number' ? code : null, out: serve.output() };
}
