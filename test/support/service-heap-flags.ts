/**
 * The V8 heap flags `npm start` gives the service, read from package.json's start script so that
 * tests and benchmarks run the service with the same heap as production, from one place.
 */
import fs from 'node:fs';
import path from 'node:path';

const packageJson = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'),
) as { scripts: { start: string } };

/** For example `['--max-semi-space-size=32', '--max-old-space-size=384']`. */
export const SERVICE_HEAP_FLAGS: readonly string[] =
  packageJson.scripts.start.match(/--max-[a-z-]+-size=\d+/g) ?? [];

/** The young generation's flag alone (bench:promotion measures with the service's semi-space size). */
export const SERVICE_SEMI_SPACE_FLAG = SERVICE_HEAP_FLAGS.find((flag) =>
  flag.startsWith('--max-semi-space-size='),
);
