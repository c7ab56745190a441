/** CDRs, rating decisions and archived rule sets for the suites; every id is unique per call. */
import crypto from 'node:crypto';
import type { CdrToStore, RatingDecision } from '../../src/app/ingest/ports';
import type { RuleSetArchive, RuleSetSnapshot } from '../../src/app/rating/ports';
import type { Cdr } from '../../src/domain/cdr';
import type { Explanation } from '../../src/domain/rating/types';
import { unique } from './fixtures';

export function cdr(customerAccount: string, start: string, overrides: Partial<Cdr> = {}): Cdr {
  const startTime = new Date(start);
  const durationSeconds = overrides.durationSeconds ?? 90;
  return {
    bridgeId: unique('bridge'),
    recordId: unique('rec'),
    conferenceId: unique('conf'),
    bookingId: unique('bk'),
    customerAccount,
    accessType: 'dial_out',
    callerNumber: '+46812345678',
    calledNumber: '+46701234567',
    startTime,
    answerTime: startTime,
    endTime: new Date(startTime.getTime() + durationSeconds * 1000),
    durationSeconds,
    features: ['recording'],
    ...overrides,
  };
}

/** A rating explanation with these billed seconds per band (none: a call priced without bands). */
export function explanation(zone: string | undefined, billedSeconds: number[], amount: string): Explanation {
  return {
    ...(zone === undefined ? {} : { zone }),
    bands: billedSeconds.map((b, i) => ({
      name: `band ${i}`,
      seconds: b,
      billedSeconds: b,
      rate: '1',
      amount,
    })),
    surcharges: [],
    rounding: 'half_up to 2 decimals',
    unrounded: amount,
    steps: [],
    summary: `Charged ${amount}`,
  };
}

export function rated(
  ruleSetHash: string,
  amount: string,
  options: { zone?: string; billedSeconds?: number[]; currency?: string } = {},
): RatingDecision {
  return {
    rated: true,
    charge: {
      amount,
      currency: options.currency ?? 'SEK',
      ruleSetHash,
      firedRules: ['conformance-rule'],
      explanation: explanation(options.zone, options.billedSeconds ?? [], amount),
      parts: [{ kind: 'usage', quantity: '1', unitCode: 'C62', price: amount, baseQuantity: '1' }],
    },
  };
}

export const unrated = (reason = 'no customer'): RatingDecision => ({ rated: false, reason });

export function toStore(call: Cdr, rating: RatingDecision, fingerprint = unique('fp')): CdrToStore {
  return { cdr: call, fingerprint, rating };
}

/** A rule set as archived when it goes live: four JSON files, in ruleset/destinations/rates/calendar order. */
export function ruleSetSnapshot(overrides: Partial<RuleSetSnapshot> = {}): RuleSetSnapshot {
  const name = unique('rules');
  const parts = ['ruleset', 'destinations', 'rates', 'calendar'];
  const files = parts.map((part) => {
    const content = JSON.stringify({ part, name });
    return {
      path: `${name}/${part}.json`,
      sha256: crypto.createHash('sha256').update(content).digest('hex'),
      content,
    };
  });
  return {
    hash: crypto.createHash('sha256').update(JSON.stringify(files)).digest('hex'),
    name,
    version: '1',
    effectiveFrom: new Date('2026-01-01T00:00:00.000Z'),
    currency: 'SEK',
    files,
    ...overrides,
  };
}

/** A fresh archived rule set's hash: charges name the rule set that priced them. */
export async function archivedHash(archive: RuleSetArchive): Promise<string> {
  const snapshot = ruleSetSnapshot();
  await archive.save([snapshot]);
  return snapshot.hash;
}
