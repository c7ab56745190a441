/** A backtest prices stored calls as ingest priced them: with the features of the booking they cite. */
import { describe, expect, it } from 'vitest';
import { backtest } from '../../src/app/rating/backtest';
import { RatingRuntime } from '../../src/app/rating/rating-runtime';
import { loadBatchFacts, priceCdr } from '../../src/app/ingest/price-batch';
import { loadRuleBook } from '../../src/rules-files/load';
import { ruleDirectory } from '../../src/rules-files/rule-directory';
import type { Cdr } from '../../src/domain/cdr';
import type { BookingDirectory, CustomerDirectory } from '../../src/app/ingest/ports';
import type { BacktestSource } from '../../src/app/rating/ports';

describe('backtest prices as ingest does', () => {
  it('counts a call charged its booked features as unchanged with the live rules', async () => {
    const live = new RatingRuntime(
      ruleDirectory('rules'),
      { save: async () => {} },
      { info() {}, error() {} },
    );
    await live.reload();
    const start = new Date('2026-11-03T09:00:00Z');
    const cdr: Cdr = {
      bridgeId: 'b',
      recordId: '1',
      conferenceId: 'c',
      bookingId: 'bk1',
      customerAccount: 'A',
      accessType: 'local_dial_in',
      callerNumber: '+46701234567',
      calledNumber: '+46812345678',
      startTime: start,
      answerTime: start,
      endTime: new Date(start.getTime() + 600_000),
      durationSeconds: 600,
      features: [],
    };
    const customers: CustomerDirectory = {
      pricingFacts: () =>
        Promise.resolve(new Map([['A', { currency: 'EUR', timeZone: 'Europe/Stockholm', contracts: [] }]])),
    };
    const bookings: BookingDirectory = {
      citedBookings: () =>
        Promise.resolve(
          new Map([
            ['bk1', { customerAccount: 'A', bridgeId: 'b', status: 'SCHEDULED', features: ['recording'] }],
          ]),
        ),
    };
    // what ingest stores
    const decision = priceCdr({ rater: live }, cdr, await loadBatchFacts({ customers, bookings }, [cdr]));
    expect(decision.rated).toBe(true);
    const charged = decision.rated
      ? { amount: decision.charge.amount, currency: decision.charge.currency }
      : undefined;
    const source: BacktestSource = {
      async *pages() {
        yield await Promise.resolve([{ cdr, charged }]);
      },
    };
    const book = await loadRuleBook('rules');
    if (!book.ok) throw new Error('rules');
    const report = await backtest(
      { source, candidate: book.book, customers, bookings },
      { from: start, to: new Date(start.getTime() + 1) },
    );
    expect(report.firstChanged).toEqual([]);
    expect(report.counts.changed).toBe(0);
  });
});
