/** Running charges follow the closings: after a contract changed cycle or anchor day, they count from where the last closed period ended, under the layout closing uses. */
import { describe, expect, it } from 'vitest';
import type { RunningSpan } from '../../src/app/invoicing/ports';
import { getRunningCharges, type RunningTerms } from '../../src/app/invoicing/running-charges';

async function spanOf(terms: RunningTerms, asOf: string) {
  const spans: RunningSpan[] = [];
  const unrated: Date[] = [];
  const deps = {
    store: {
      periodTerms: () => Promise.resolve(terms),
      runningTotals: (_a: string, s: RunningSpan) => (spans.push(s), Promise.resolve([])),
      unratedCount: (_a: string, from: Date) => (unrated.push(from), Promise.resolve(0)),
    },
    now: () => new Date(asOf),
  };
  const r = await getRunningCharges(deps, { customerAccount: 'X' });
  return { key: r.period.key, from: spans[0]!.fromLocalDate, unratedFrom: unrated[0]!.toISOString() };
}

const A = {
  validFrom: new Date('2025-12-31T23:00:00Z'),
  validTo: new Date('2026-03-14T23:00:00Z'),
  cycle: 'MONTHLY' as const,
  anchorDay: 1,
};
const from15 = new Date('2026-03-14T23:00:00Z');

describe('running charges when the contract changes layout mid-period', () => {
  it('monthly -> quarterly: from the end of the closed February, not from January', async () => {
    const terms: RunningTerms = {
      timeZone: 'Europe/Stockholm',
      closedUntil: new Date('2026-02-28T23:00:00Z'),
      contracts: [A, { validFrom: from15, cycle: 'QUARTERLY', anchorDay: 1 }],
    };
    expect(await spanOf(terms, '2026-03-20T12:00:00Z')).toEqual({
      key: '2026-03',
      from: '2026-03-01',
      unratedFrom: '2026-02-28T23:00:00.000Z',
    });
  });
  it('anchor 1 -> 15: March is billed whole (closing lays it out under the contract at its start)', async () => {
    const terms: RunningTerms = {
      timeZone: 'Europe/Stockholm',
      closedUntil: new Date('2026-02-28T23:00:00Z'),
      contracts: [A, { validFrom: from15, cycle: 'MONTHLY', anchorDay: 15 }],
    };
    expect(await spanOf(terms, '2026-03-20T12:00:00Z')).toEqual({
      key: '2026-03',
      from: '2026-03-01',
      unratedFrom: '2026-02-28T23:00:00.000Z',
    });
    // after March closed: the period of 15 March to 15 April, of which 1-15 April is not billed yet
    const later = { ...terms, closedUntil: new Date('2026-03-31T22:00:00Z') };
    expect(await spanOf(later, '2026-04-05T12:00:00Z')).toEqual({
      key: '2026-03-15/2026-04-15',
      from: '2026-04-01',
      unratedFrom: '2026-03-31T22:00:00.000Z',
    });
  });
  it('without closings, or looking back before the last closing: the period containing the instant', async () => {
    const terms: RunningTerms = { timeZone: 'Europe/Stockholm', contracts: [A] };
    expect((await spanOf(terms, '2026-02-10T12:00:00Z')).from).toEqual('2026-02-01');
    const closed: RunningTerms = { ...terms, closedUntil: new Date('2026-02-28T23:00:00Z') };
    expect((await spanOf(closed, '2026-02-10T12:00:00Z')).from).toEqual('2026-02-01');
  });
});
