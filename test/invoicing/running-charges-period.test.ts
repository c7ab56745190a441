/**
 * GetRunningCharges reuses the period it laid out last for a layout while the instant asked about
 * falls in it (running-charges.ts): every answer must still be the period containing its instant,
 * across period ends and time zones, in any order of calls.
 */
import { describe, expect, it } from 'vitest';
import type { PeriodTerms } from '../../src/app/invoicing/ports';
import { getRunningCharges } from '../../src/app/invoicing/running-charges';
import { periodContaining } from '../../src/domain/periods/index';

function customer(account: string, timeZone: string): PeriodTerms & { account: string } {
  return { account, timeZone, contracts: [] };
}

const customers = [customer('STO', 'Europe/Stockholm'), customer('NYC', 'America/New_York')];
const deps = {
  store: {
    periodTerms: (account: string) => Promise.resolve(customers.find((c) => c.account === account)),
    runningTotals: () => Promise.resolve([]),
    unratedCount: () => Promise.resolve(0),
  },
  now: () => new Date('2026-11-29T12:00:00Z'),
};

describe('running charges: the period of each instant', () => {
  it('is the period containing it, however the calls come', async () => {
    const instants = [
      '2026-10-15T12:00:00Z',
      '2026-10-31T22:59:59.999Z', // Stockholm's last October instant
      '2026-10-31T23:00:00Z', // Stockholm's November, New York's October
      '2026-10-20T00:00:00Z',
      '2026-11-01T03:59:59.999Z',
      '2026-11-01T04:00:00Z', // New York's November
      '2026-09-30T21:59:59.999Z',
      '2026-10-15T12:00:00Z',
    ].map((s) => new Date(s));
    for (const c of customers)
      for (const asOf of instants) {
        const running = await getRunningCharges(deps, { customerAccount: c.account, asOf });
        const expected = periodContaining(asOf, { timeZone: c.timeZone, cycle: 'MONTHLY', anchorDay: 1 });
        expect(running.period).toEqual(expected);
        expect(running.period.start.getTime()).toBeLessThanOrEqual(asOf.getTime());
        expect(asOf.getTime()).toBeLessThan(running.period.end.getTime());
      }
  });
});
