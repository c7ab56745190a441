/**
 * Realistic CDRs for the bridge simulator, tests and benchmarks: conferences of several legs,
 * a mix of access types, dial-outs to many countries, features now and then. Deterministic for a
 * given seed, so a resend produces byte-identical records.
 */
import type { Cdr } from '../gen/billing/v1/cdr';
import { AccessType, Feature } from '../gen/billing/v1/common';

export interface GeneratorOptions {
  bridgeId: string;
  /** Customer accounts to spread conferences over. */
  customers: string[];
  /** Calls start from here on, a few seconds apart. */
  from: Date;
  seed?: number;
  /** Prefix of record ids, so several runs on one bridge do not collide. */
  recordPrefix?: string;
}

const DESTINATIONS = [
  '+4670',
  '+468',
  '+4631',
  '+4940',
  '+4930',
  '+4420',
  '+447',
  '+331',
  '+336',
  '+1212',
  '+1415',
  '+3902',
  '+3491',
  '+8190',
  '+6129',
];

/** A small, fast, seedable PRNG (mulberry32); Math.random would make resends differ. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* generateCdrs(options: GeneratorOptions, count: number): Generator<Cdr> {
  const random = prng(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const prefix = options.recordPrefix ?? 'r';
  let produced = 0;
  let conference = 0;
  let clock = options.from.getTime();
  while (produced < count) {
    conference += 1;
    const conferenceId = `${prefix}-conf-${conference}`;
    const customer = pick(options.customers);
    const legs = 1 + Math.floor(random() * 6);
    clock += 1000 + Math.floor(random() * 5000);
    for (let leg = 0; leg < legs && produced < count; leg++) {
      produced += 1;
      const roll = random();
      const accessType =
        roll < 0.45
          ? AccessType.ACCESS_TYPE_LOCAL_DIAL_IN
          : roll < 0.65
            ? AccessType.ACCESS_TYPE_TOLL_FREE_DIAL_IN
            : roll < 0.85
              ? AccessType.ACCESS_TYPE_DIAL_OUT
              : AccessType.ACCESS_TYPE_WEB;
      const start = clock + leg * 1000;
      const answered = random() > 0.03;
      const duration = answered ? 5 + Math.floor(random() * 3600) : 0;
      const answer = answered ? start + 2000 : undefined;
      const end = (answer ?? start) + duration * 1000 + (answered ? 0 : 15_000);
      const number = `${pick(DESTINATIONS)}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
      const features: Feature[] = [];
      if (random() < 0.1) features.push(Feature.FEATURE_RECORDING);
      if (random() < 0.02) features.push(Feature.FEATURE_OPERATOR_ASSISTANCE);
      yield {
        bridgeId: options.bridgeId,
        recordId: `${prefix}-${produced}`,
        conferenceId,
        bookingId: '',
        customerAccount: customer,
        accessType,
        callerNumber:
          accessType === AccessType.ACCESS_TYPE_DIAL_OUT || accessType === AccessType.ACCESS_TYPE_WEB
            ? ''
            : number,
        calledNumber:
          accessType === AccessType.ACCESS_TYPE_DIAL_OUT
            ? number
            : accessType === AccessType.ACCESS_TYPE_TOLL_FREE_DIAL_IN
              ? '+46200123456'
              : accessType === AccessType.ACCESS_TYPE_LOCAL_DIAL_IN
                ? '+46812345678'
                : '',
        startTime: new Date(start),
        answerTime: answer === undefined ? undefined : new Date(answer),
        endTime: new Date(end),
        durationSeconds: duration,
        features,
      };
    }
  }
}
