/**
 * The fast path must pick exactly the rules json-rules-engine picks: random rule sets (nested
 * all/any/not, every allowed operator, every fact) on random facts; then whole ratings of random calls
 * over the shipped rules against the reference path (engine.run per call).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Engine, type RuleProperties } from 'json-rules-engine';
import {
  compileCondition,
  FACTS,
  FACT_NAMES,
  OPERATORS,
  ReferenceRater,
  type ConditionJson,
} from '../../src/domain/rating/index';
import { operatorValueKind, type FactName } from '../../src/domain/rating/facts';
import { specializeCondition } from '../../src/domain/rating/specialize';
import { loadRuleBook } from '../../src/rules-files/load';
import { ACCESS_TYPES, FEATURES, type Cdr } from '../../src/domain/cdr';

const STR = ['dial_out', 'web', 'SE', 'EU', '', 'ACME-001', 'peak', 'offpeak', 'x'];
const NUM = [-1, 0, 1, 7, 23, 60, 60.5, 3600];
const scalarOf = (fact: FactName): fc.Arbitrary<unknown> => {
  const t = FACTS[fact].type;
  if (t === 'number') return fc.constantFrom(...NUM);
  if (t === 'boolean') return fc.boolean();
  return fc.constantFrom(...STR, ...(FEATURES as readonly string[]));
};
const leaf: fc.Arbitrary<ConditionJson> = fc
  .tuple(fc.constantFrom(...FACT_NAMES), fc.constantFrom(...OPERATORS))
  .filter(([f, op]) => operatorValueKind(op, FACTS[f].type) !== undefined)
  .chain(([fact, op]) => {
    const kind = operatorValueKind(op, FACTS[fact].type)!;
    const value =
      kind === 'array'
        ? (fc.array(scalarOf(fact), { maxLength: 4 }) as fc.Arbitrary<unknown>)
        : kind === 'element'
          ? (fc.constantFrom(...(FEATURES as readonly string[]), 'x') as fc.Arbitrary<unknown>)
          : scalarOf(fact);
    return value.map((v) => ({ fact, operator: op, value: v }));
  });
const cond = fc.letrec<{ c: ConditionJson; top: ConditionJson }>((tie) => ({
  c: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('top')),
  top: fc.oneof(
    fc.array(tie('c'), { maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie('c'), { maxLength: 4 }).map((any) => ({ any })),
    tie('c').map((not) => ({ not })),
  ),
})).top;

const factsArb = fc.record({
  accessType: fc.constantFrom(...ACCESS_TYPES, 'x'),
  zone: fc.constantFrom(...STR),
  matchedPrefix: fc.constantFrom('', '+46', '+49'),
  customerAccount: fc.constantFrom(...STR),
  contractId: fc.constantFrom(...STR),
  pricePlan: fc.constantFrom(...STR),
  features: fc.subarray([...FEATURES, 'x'] as string[]),
  durationSeconds: fc.oneof(fc.constantFrom(...NUM), fc.integer({ min: 0, max: 10_000 })),
  startHour: fc.integer({ min: 0, max: 23 }),
  startWeekday: fc.integer({ min: 1, max: 7 }),
  startBand: fc.constantFrom('peak', 'offpeak', 'weekend', 'holiday'),
  calledNumber: fc.constantFrom(...STR),
  callerNumber: fc.constantFrom(...STR),
  conferenceId: fc.constantFrom(...STR),
  bridgeId: fc.constantFrom(...STR),
  hasBooking: fc.boolean(),
});

describe('compiled predicates = json-rules-engine', () => {
  it('fire the same rules on random rule sets and random facts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cond, fc.integer({ min: 1, max: 3 })), { minLength: 1, maxLength: 8 }),
        fc.array(factsArb, { minLength: 1, maxLength: 5 }),
        async (rs, factsList) => {
          const rules = rs.map(([conditions, priority], i) => ({
            name: `r${i}`,
            priority,
            conditions,
            event: { type: 'rate', params: { i } },
          }));
          const engine = new Engine(rules as unknown as RuleProperties[], { allowUndefinedFacts: false });
          const compiled = rules.map((r) => compileCondition(r.conditions));
          for (const facts of factsList) {
            const res = await engine.run({ ...facts });
            const expected = res.results.map((r) => String(r.name)).sort();
            const actual = rules
              .filter((_, i) => compiled[i]!(facts))
              .map((r) => r.name)
              .sort();
            expect(actual).toEqual(expected);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('specialised on the access type, zone and no features, decide as the whole condition', () => {
    fc.assert(
      fc.property(cond, factsArb, fc.boolean(), (c, facts, noFeatures) => {
        const f = noFeatures ? { ...facts, features: [] } : facts;
        const known: Record<string, unknown> = { accessType: f.accessType, zone: f.zone };
        if (noFeatures) known.features = [];
        const residual = specializeCondition(c, known);
        const decided = typeof residual === 'boolean' ? residual : compileCondition(residual)(f);
        expect(decided).toBe(compileCondition(c)(f));
      }),
      { numRuns: 3000 },
    );
  });

  it('rate random calls over the shipped rules exactly like engine.run', async () => {
    const loaded = await loadRuleBook('rules');
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.violations));
    const book = loaded.book;
    const ref = new ReferenceRater(book);
    const numbers = [
      '+46812345',
      '+46701234567',
      '+4790123456',
      '+4930123',
      '+4915112345',
      '+447700900123',
      '+12125550100',
      '+61212345',
      '+2348012345',
      '+4690123',
      '+8701234',
      '+999',
      '',
    ];
    const cdrArb = fc.record({
      accessType: fc.constantFrom(...ACCESS_TYPES),
      calledNumber: fc.constantFrom(...numbers),
      callerNumber: fc.constantFrom(...numbers),
      start: fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
      durationSeconds: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 8000 })),
      features: fc.subarray([...FEATURES]),
      account: fc.constantFrom('ACME-001', 'C-1'),
      plan: fc.constantFrom(undefined, 'enterprise', 'nonprofit', 'education'),
      tz: fc.constantFrom(undefined, 'America/New_York', 'Asia/Kolkata'),
      discount: fc.constantFrom(undefined, '10', '12.5'),
      special: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(cdrArb, async (x) => {
        const c: Cdr = {
          bridgeId: 'b',
          recordId: 'r',
          conferenceId: 'c',
          customerAccount: x.account,
          accessType: x.accessType,
          calledNumber: x.calledNumber || undefined,
          callerNumber: x.callerNumber || undefined,
          startTime: new Date(x.start),
          endTime: new Date(x.start + x.durationSeconds * 1000),
          durationSeconds: x.durationSeconds,
          features: x.features,
        };
        const ctx = {
          customerAccount: x.account,
          timeZone: x.tz,
          contract:
            x.plan || x.discount || x.special
              ? {
                  id: 'K',
                  pricePlan: x.plan,
                  discountPercent: x.discount,
                  specialPrices: x.special
                    ? [{ accessType: 'dial_out' as const, zone: 'EU', ratePerMinute: '0.05' }]
                    : undefined,
                }
              : undefined,
        };
        const fast = book.rate(c, ctx);
        const slow = await ref.rate(c, ctx);
        expect(JSON.parse(JSON.stringify(fast))).toEqual(JSON.parse(JSON.stringify(slow)));
      }),
      { numRuns: 500 },
    );
  });
});
