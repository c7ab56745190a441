/**
 * Pricing a batch with the bookings its CDRs cite: one directory lookup per batch, and each CDR is
 * charged only its own live booking's features.
 */
import { describe, expect, it } from 'vitest';
import { loadBatchFacts, priceCdr, pricedWithOf } from '../../src/app/ingest/price-batch';
import type { BookingDirectory, CdrRater } from '../../src/app/ingest/ports';
import type { Cdr } from '../../src/domain/cdr';
import type { CitedBooking } from '../../src/domain/cited-booking';

const stored = new Map<string, CitedBooking>([
  ['own', { customerAccount: 'A', bridgeId: 'b1', status: 'SCHEDULED', features: ['recording'] }],
  ['theirs', { customerAccount: 'B', bridgeId: 'b1', status: 'SCHEDULED', features: ['recording'] }],
  ['cancelled', { customerAccount: 'A', bridgeId: 'b1', status: 'CANCELLED', features: ['recording'] }],
  ['elsewhere', { customerAccount: 'A', bridgeId: 'b2', status: 'SCHEDULED', features: ['recording'] }],
]);
const asked: string[][] = [];
const directory: BookingDirectory = {
  citedBookings: (ids) => {
    asked.push(ids);
    return Promise.resolve(new Map(ids.flatMap((id) => (stored.has(id) ? [[id, stored.get(id)!]] : []))));
  },
};
/** Answers the features it was asked to price, as its rule set name. */
const rater: CdrRater = {
  rate: (cdr) => ({
    rated: true,
    charge: {
      amount: '0',
      currency: 'EUR',
      ruleSetHash: cdr.features.join('+'),
      firedRules: [],
      explanation: { bands: [], surcharges: [], rounding: '', unrounded: '0', steps: [], summary: '' },
      parts: [],
    },
  }),
};
const leg = (recordId: string, bookingId: string, customerAccount = 'A'): Cdr => ({
  bridgeId: 'b1',
  recordId,
  conferenceId: 'c',
  bookingId,
  customerAccount,
  accessType: 'local_dial_in',
  startTime: new Date('2026-10-01T10:00:00Z'),
  endTime: new Date('2026-10-01T10:10:00Z'),
  durationSeconds: 600,
  features: [],
});

describe('pricing a batch with cited bookings', () => {
  it("charges each CDR only its own customer's scheduled booking on its bridge, after one lookup", async () => {
    const cdrs = [
      leg('1', 'own'),
      leg('2', 'theirs'),
      leg('3', 'cancelled'),
      leg('4', 'elsewhere'),
      leg('5', 'missing'),
      leg('6', 'theirs', 'B'),
      leg('7', 'own'),
    ];
    const facts = await loadBatchFacts({ bookings: directory }, cdrs);
    expect(asked).toEqual([['own', 'theirs', 'cancelled', 'elsewhere', 'missing']]);
    const priced = cdrs.map((c) => {
      const d = priceCdr({ rater }, c, facts);
      return d.rated ? d.charge.ruleSetHash : d.reason;
    });
    expect(priced).toEqual(['recording', '', '', '', '', 'recording', 'recording']);
    expect(pricedWithOf(cdrs[0]!, facts)).toEqual({ bookedFeatures: ['recording'] });
    expect(pricedWithOf(cdrs[1]!, facts)).toEqual({});
  });
});
