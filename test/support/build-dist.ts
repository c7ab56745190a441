/**
 * vitest global setup: compiles dist/ once before any test file runs, so every test that spawns
 * `bin/billing.mjs` runs the same compiled JavaScript as `npm start`, built from the sources under
 * test (also for `npx vitest run <files>`, which skips npm's pre-scripts).
 */
import { build } from '../../scripts/build.mjs';

export default async function setup(): Promise<void> {
  await build();
}
