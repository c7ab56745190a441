/** A small rule set with round numbers, so test amounts can be computed by hand. */
import type { Cdr } from '../../src/domain/cdr';
import type { RuleJson, RuleSetSource } from '../../src/domain/rating/index';

const f = (fact: string, operator: string, value: unknown) => ({ fact, operator, value });
const rate = (name: string, rateCard: string, conds: object[], priority = 10): RuleJson =>
  ({ name, priority, conditions: { all: conds }, event: { type: 'rate', params: { rateCard } } }) as RuleJson;

export function fixtureSource(
  over: {
    version?: string;
    effectiveFrom?: string;
    sePeak?: string;
    rounding?: 'half_up' | 'half_even';
  } = {},
): RuleSetSource {
  const rules: RuleJson[] = [
    rate('dial-out SE', 'se', [f('accessType', 'equal', 'dial_out'), f('zone', 'equal', 'SE')]),
    rate('dial-out SE mobile', 'mob', [f('accessType', 'equal', 'dial_out'), f('zone', 'equal', 'SE_MOB')]),
    rate('dial-out DE', 'de', [f('accessType', 'equal', 'dial_out'), f('zone', 'equal', 'DE')]),
    rate('dial-out US', 'us', [f('accessType', 'equal', 'dial_out'), f('zone', 'equal', 'US')]),
    rate(
      'dial-out BIG customer SE',
      'big',
      [f('customerAccount', 'equal', 'BIG'), f('accessType', 'equal', 'dial_out'), f('zone', 'equal', 'SE')],
      20,
    ),
    {
      name: 'dial-out unknown',
      priority: 10,
      conditions: { all: [f('accessType', 'equal', 'dial_out'), f('zone', 'equal', '')] },
      event: { type: 'reject', params: { reason: 'no destination' } },
    },
    rate('toll-free', 'tf', [f('accessType', 'equal', 'toll_free_dial_in')]),
    rate('local', 'local', [f('accessType', 'equal', 'local_dial_in')]),
    rate('web', 'web', [f('accessType', 'equal', 'web')]),
    {
      name: 'recording',
      conditions: { all: [f('features', 'contains', 'recording')] },
      event: { type: 'surcharge', params: { name: 'recording', amount: '0.25' } },
    },
    {
      name: 'transcription',
      conditions: { all: [f('features', 'contains', 'transcription')] },
      event: { type: 'surcharge', params: { name: 'transcription', perMinute: '0.02' } },
    },
    {
      name: 'nonprofit',
      conditions: { all: [f('pricePlan', 'equal', 'nonprofit')] },
      event: { type: 'discount', params: { percent: '15' } },
    },
  ];
  return {
    files: {
      ruleset: 'fx/ruleset.json',
      destinations: 'fx/destinations.json',
      rates: 'fx/rates.json',
      calendar: 'fx/calendar.json',
    },
    hash: `hash-${over.version ?? '1'}`,
    ruleset: {
      name: 'fixture',
      version: over.version ?? '1',
      effectiveFrom: over.effectiveFrom ?? '2025-01-01T00:00:00+01:00',
      currency: 'EUR',
      defaultTimeZone: 'Europe/Stockholm',
      rounding: { method: over.rounding ?? 'half_up', decimals: 2 },
      zoneBy: { dial_out: 'calledNumber', toll_free_dial_in: 'callerNumber' },
      rules,
    },
    destinations: { prefixes: { '+46': 'SE', '+4670': 'SE_MOB', '+49': 'DE', '+1': 'US' } },
    rates: {
      rateCards: {
        se: {
          rateUnit: 60,
          firstIncrement: 1,
          nextIncrement: 1,
          rates: {
            peak: [{ fromSecond: 0, rate: over.sePeak ?? '0.60' }],
            offpeak: [{ fromSecond: 0, rate: '0.30' }],
          },
        },
        mob: {
          rateUnit: 60,
          firstIncrement: 60,
          nextIncrement: 1,
          rates: { any: [{ fromSecond: 0, rate: '0.60' }] },
        },
        de: {
          rateUnit: 60,
          firstIncrement: 60,
          nextIncrement: 60,
          connectFee: '0.10',
          rates: {
            any: [
              { fromSecond: 0, rate: '1.20' },
              { fromSecond: 300, rate: '0.60' },
            ],
          },
        },
        us: {
          rateUnit: 60,
          firstIncrement: 6,
          nextIncrement: 6,
          connectFee: '0.02',
          rates: { any: [{ fromSecond: 0, rate: '0.05' }] },
        },
        big: {
          rateUnit: 60,
          firstIncrement: 1,
          nextIncrement: 1,
          rates: { any: [{ fromSecond: 0, rate: '0.15' }] },
        },
        tf: {
          rateUnit: 60,
          firstIncrement: 60,
          nextIncrement: 60,
          minimumCharge: '0.75',
          maximumCharge: '5.00',
          rates: { any: [{ fromSecond: 0, rate: '0.50' }] },
        },
        local: {
          rateUnit: 60,
          firstIncrement: 60,
          nextIncrement: 1,
          rates: {
            peak: [{ fromSecond: 0, rate: '0.06' }],
            offpeak: [{ fromSecond: 0, rate: '0.03' }],
            weekend: [{ fromSecond: 0, rate: '0.02' }],
          },
        },
        web: {
          rateUnit: 60,
          firstIncrement: 60,
          nextIncrement: 60,
          rates: { any: [{ fromSecond: 0, rate: '0.01' }] },
        },
      },
    },
    calendar: {
      weekendDays: [6, 7],
      peak: [{ days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00' }],
      holidays: ['2025-12-25'],
    },
  };
}

let n = 0;
export function cdr(o: Partial<Cdr> & { start: string; seconds: number }): Cdr {
  const { start, seconds, ...rest } = o;
  const startTime = new Date(start);
  return {
    bridgeId: 'bridge-1',
    recordId: `r${++n}`,
    conferenceId: 'conf-1',
    customerAccount: 'C-1',
    accessType: 'dial_out',
    startTime,
    answerTime: startTime,
    endTime: new Date(startTime.getTime() + seconds * 1000),
    durationSeconds: seconds,
    features: [],
    ...rest,
  };
}
