/**
 * Rating computes money in scaled integers (src/domain/rating/price.ts); the decimal.js pricing it
 * replaced is kept as the exact reference (price-reference.ts). On random rule sets and calls, both
 * must give the same amount, rules, parts and explanation, to the last decimal. A few thousand pairs
 * here; `npm run bench:rating-equality` checks 1,000,000.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isIntegerPriced } from '../../../src/domain/rating/index';
import { randomCall, randomRuleSet, rateByReference, resultText, seeded } from './integer-money-cases';

const RULE_SETS = 300;
const CALLS_PER_SET = 10;

describe('integer money = the decimal reference', () => {
  it(`prices ${RULE_SETS * CALLS_PER_SET} random (rule set, call) pairs to the last decimal`, () => {
    let integer = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const r = seeded(seed);
        const set = randomRuleSet(r, seed);
        for (let i = 0; i < CALLS_PER_SET; i++) {
          const { cdr, ctx } = randomCall(r, i);
          const fast = set.rate(cdr, ctx);
          expect(resultText(fast), `seed ${seed} call ${i}`).toBe(resultText(rateByReference(set, cdr, ctx)));
          if (fast.rated) total++;
          if (isIntegerPriced(fast)) integer++;
        }
      }),
      { numRuns: RULE_SETS },
    );
    // The integer path must be the rule, the decimal fallback the exception, even though these rule
    // sets often carry 5 to 20 decimals and amounts past 2^53 on purpose.
    console.log(`integer path: ${integer} of ${total} rated calls`);
    expect(integer / total).toBeGreaterThan(0.6);
  });

  it('gives the shipped examples the same amounts as before', () => {
    // ties and whole amounts, the cases where a 40-digit decimal could round differently
    const r = seeded(1);
    const set = randomRuleSet(r, 1);
    const { cdr, ctx } = randomCall(r, 0);
    expect(resultText(set.rate(cdr, ctx))).toBe(resultText(rateByReference(set, cdr, ctx)));
  });
});
