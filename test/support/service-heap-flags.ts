/**
 * The V8 heap flags `npm start` gives the service, read from package.json's start script so that
 * tests and benchmarks run the service with the same heap as production, from one place.
 */
import fs from 'node:fs';
import path from 'node:path';

const packageJson = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
) as { scripts: { start: string } };

/** The value in MiB of `--max-<space>-space-size=N` among node's options in the start script. */
function spaceSizeMib(space: 'semi' | 'old'): number {
  // Only node's own options, before the script it runs (dist/billing.mjs).
  const nodeOptions = packageJson.scripts.start.split(/\s+\S+\.mjs\b/)[0]!;
  const match = new RegExp(`--max-${space}-space-size=(\\d+)(?:\\s|$)`).exec(nodeOptions);
  if (!match) throw new Error(`package.json's start script sets no --max-${space}-space-size=N`);
  return Number(match[1]);
}

/** --max-semi-space-size of `npm start`, in MiB. */
export const SERVICE_SEMI_SPACE_MIB = spaceSizeMib('semi');
/** --max-old-space-size of `npm start`, in MiB. */
export const SERVICE_OLD_SPACE_MIB = spaceSizeMib('old');

/** The flags themselves, for spawning the service as `npm start` does. */
export const SERVICE_HEAP_FLAGS: readonly string[] = [
  `--max-semi-space-size=${SERVICE_SEMI_SPACE_MIB}`,
  `--max-old-space-size=${SERVICE_OLD_SPACE_MIB}`,
];
