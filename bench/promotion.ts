/**
 * Bytes promoted to V8's old generation per rated CDR: `tsx bench/promotion.ts [CDRS=30000] [ROUNDS=3]`.
 * Bytes promoted survive young collections and are freed only by full ones, which stall every
 * stream of the service; ingest should promote next to nothing per CDR. Each round runs
 * bench/support/promotion-loop.ts twice with the service's semi-space size and --trace-gc-nvp:
 * the rating outcomes alone (the baseline of the same run), then the decisions ingest stores.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SERVICE_SEMI_SPACE_MIB } from '../test/support/service-heap-flags';

const CDRS = Number(process.argv[2] ?? 30_000);
const ROUNDS = Number(process.argv[3] ?? 3);
const loop = path.join(import.meta.dirname, 'support', 'promotion-loop.ts');

function promotedBytes(mode: 'outcome' | 'decision'): number {
  const out = execFileSync(
    process.execPath,
    [
      `--max-semi-space-size=${SERVICE_SEMI_SPACE_MIB}`,
      '--trace-gc-nvp',
      '--import',
      'tsx',
      loop,
      mode,
      String(CDRS),
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  let sum = 0;
  for (const m of out.matchAll(/\bpromoted=(\d+)/g)) sum += Number(m[1]);
  return sum;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const perCdr = (bytes: number) => `${Math.round(bytes / CDRS)} B/CDR`;
console.log(`${CDRS} CDRs rated at 1,000/s in batches of 20, ${ROUNDS} rounds`);
for (let round = 1; round <= ROUNDS; round++) {
  const outcome = promotedBytes('outcome');
  const decision = promotedBytes('decision');
  console.log(
    `round ${round}: outcomes alone (baseline) ${mb(outcome)} (${perCdr(outcome)}); ` +
      `decisions ${mb(decision)} (${perCdr(decision)}); the decision adds ${perCdr(decision - outcome)}`,
  );
}
