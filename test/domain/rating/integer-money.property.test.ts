/**
 * Rating computes money in scaled integers (src/domain/rating/price.ts); the decimal.js pricing it
 * replaced is kept as the exact reference (price-reference.ts). On random rule sets and calls, both
 * must give the same amount, rules, parts and explanation, to the last decimal, and the integer
 * path's zone and billed seconds must be the explanation's. A few thousand pairs
 * here; `npm run bench:rating-equality` checks 1,000,000.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { chargeQuantities } from '../../../src/domain/rating/charge-quantities';
import { CompiledRuleSet, isIntegerPriced, ratedQuantities } from '../../../src/domain/rating/index';
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
          if (fast.rated) {
            total++;
            // What ingest stores (zone, billed seconds) comes from the plan, not the explanation: the same.
            expect(ratedQuantities(fast, cdr.durationSeconds), `seed ${seed} call ${i}`).toEqual(
              chargeQuantities(fast.explanation, cdr.durationSeconds),
            );
          }
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

  it('leaves to the reference a whole amount its 40 digits round the other way', () => {
    // 1/3 of usage + two surcharges of 1/3: exactly 1, but decimal.js adds 0.333...3 three times and
    // floors 0.999...9 to 0.99. The integer path must not "correct" that: the amount stays 0.99.
    const set = new CompiledRuleSet({
      files: { ruleset: 'r.json', destinations: 'd.json', rates: 'x.json', calendar: 'c.json' },
      ruleset: {
        name: 'thirds',
        version: '1',
        effectiveFrom: '2020-01-01T00:00:00Z',
        currency: 'EUR',
        defaultTimeZone: 'UTC',
        rounding: { method: 'floor', decimals: 2 },
        rules: [
          {
            name: 'web',
            conditions: { all: [{ fact: 'accessType', operator: 'equal', value: 'web' }] },
            event: { type: 'rate', params: { rateCard: 'thirds' } },
          },
          ...(['recording', 'streaming'] as const).map((f) => ({
            name: f,
            conditions: { all: [{ fact: 'features', operator: 'contains', value: f }] },
            event: { type: 'surcharge' as const, params: { name: f, perMinute: '20' } },
          })),
        ],
      },
      destinations: { prefixes: {} },
      rates: {
        rateCards: {
          thirds: {
            rateUnit: 3,
            firstIncrement: 1,
            nextIncrement: 1,
            rates: { any: [{ fromSecond: 0, rate: '1' }] },
          },
        },
      },
      calendar: { weekendDays: [], peak: [], holidays: [] },
      hash: 'thirds',
    });
    const start = new Date('2025-03-03T10:00:00Z');
    const cdr = {
      bridgeId: 'b',
      recordId: '1',
      conferenceId: 'c',
      customerAccount: 'C',
      accessType: 'web' as const,
      startTime: start,
      answerTime: start,
      endTime: new Date(start.getTime() + 1000),
      durationSeconds: 1,
      features: ['recording' as const, 'streaming' as const],
    };
    const o = set.rate(cdr, { customerAccount: 'C' });
    expect(o.rated && o.amount).toBe('0.99');
    expect(isIntegerPriced(o)).toBe(false);
    expect(resultText(o)).toBe(resultText(rateByReference(set, cdr, { customerAccount: 'C' })));
  });
});
