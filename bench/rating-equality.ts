/**
 * Integer money = the exact decimal reference, on many random (rule set, call) pairs:
 * `tsx bench/rating-equality.ts [PAIRS=1000000] [CALLS_PER_SET=1000] [SEED=1]`.
 * Every pair compares the amount (or the reason it is not rated), the fired rules and the charge
 * parts; one in EXPLAIN_EVERY also its explanation, which the integer path builds with the
 * reference's own code. Prints how many priced on the integer path and how many by the fallback.
 */
import { isIntegerPriced } from '../src/domain/rating/index';
import {
  randomCall,
  randomRuleSet,
  rateByReference,
  resultText,
  seeded,
} from '../test/domain/rating/integer-money-cases';
import type { RatingOutcome } from '../src/domain/rating/index';

const PAIRS = Number(process.argv[2] ?? 1_000_000);
const PER_SET = Number(process.argv[3] ?? 1000);
const SEED = Number(process.argv[4] ?? 1);
const EXPLAIN_EVERY = 10;

/** Amount, rules and parts (not the explanation). */
function core(o: RatingOutcome): string {
  return o.rated
    ? JSON.stringify([o.amount, o.currency, o.ruleSetHash, o.firedRules, o.parts])
    : JSON.stringify(['not rated', o.reason]);
}

const t0 = process.hrtime.bigint();
let pairs = 0;
let integer = 0;
let rated = 0;
let explained = 0;
let mismatches = 0;
for (let s = 0; pairs < PAIRS; s++) {
  const r = seeded(SEED * 1_000_003 + s);
  const set = randomRuleSet(r, s);
  for (let i = 0; i < PER_SET && pairs < PAIRS; i++, pairs++) {
    const { cdr, ctx } = randomCall(r, i);
    const fast = set.rate(cdr, ctx);
    const ref = rateByReference(set, cdr, ctx);
    const full = pairs % EXPLAIN_EVERY === 0;
    const same = full ? resultText(fast) === resultText(ref) : core(fast) === core(ref);
    if (full) explained++;
    if (fast.rated) rated++;
    if (isIntegerPriced(fast)) integer++;
    if (!same && mismatches++ < 5)
      console.error(`MISMATCH rule set ${s} call ${i}: integer ${core(fast)} reference ${core(ref)}`);
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
  `integer money vs the decimal reference: ${pairs.toLocaleString('en')} random (rule set, call) pairs in ${secs.toFixed(1)} s (seed ${SEED})`,
);
console.log(
  `  ${rated.toLocaleString('en')} rated, ${integer.toLocaleString('en')} on the integer path, ${(rated - integer).toLocaleString('en')} by the decimal fallback; explanations compared on ${explained.toLocaleString('en')}`,
);
console.log(
  `equal to the last decimal: ${mismatches === 0 ? `yes, all ${pairs.toLocaleString('en')}` : `NO, ${mismatches} differ`}`,
);
if (mismatches) process.exitCode = 1;
