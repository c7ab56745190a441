import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FailedPreconditionError, ValidationError } from '../../src/domain/errors';
import {
  nextPeriod,
  periodContaining,
  periodContains,
  periodFromKey,
  periodKey,
  previousPeriod,
} from '../../src/domain/periods/index';

const STO = { timeZone: 'Europe/Stockholm' };
const HOUR = 3_600_000;

describe('calendar months (default)', () => {
  it('is the local calendar month as UTC instants, half-open', () => {
    const p = periodContaining(new Date('2026-11-18T12:00:00Z'), STO);
    expect(periodKey(p)).toBe('2026-11');
    // 2026-11-01 00:00 CET (+01:00) = 2026-10-31 23:00Z; 2026-12-01 00:00 CET = 2026-11-30 23:00Z
    expect(p.start.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(p.end.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(p.startDate).toBe('2026-11-01');
    expect(p.endDate).toBe('2026-12-01');
  });

  it('puts the start instant in, the end instant out', () => {
    // Local midnight 1 March 2026 is 2026-02-28T23:00Z.
    expect(periodContaining(new Date('2026-02-28T23:00:00.000Z'), STO).key).toBe('2026-03');
    expect(periodContaining(new Date('2026-02-28T22:59:59.999Z'), STO).key).toBe('2026-02');
    const p = periodContaining(new Date('2026-03-10T00:00:00Z'), STO);
    expect(periodContains(p, p.start)).toBe(true);
    expect(periodContains(p, p.end)).toBe(false);
  });

  it('is DST safe: March 2026 in Stockholm has 743 hours, October 745', () => {
    // DST starts Sun 29 March 2026 02:00 CET -> 03:00 CEST: the month loses an hour.
    const march = periodContaining(new Date('2026-03-29T12:00:00Z'), STO);
    expect(march.start.toISOString()).toBe('2026-02-28T23:00:00.000Z'); // 00:00 +01:00
    expect(march.end.toISOString()).toBe('2026-03-31T22:00:00.000Z'); // 00:00 +02:00
    expect((march.end.getTime() - march.start.getTime()) / HOUR).toBe(31 * 24 - 1);
    // A call at 00:30 local on 1 April (22:30Z on 31 March) belongs to April.
    expect(periodContaining(new Date('2026-03-31T22:30:00Z'), STO).key).toBe('2026-04');
    // DST ends Sun 25 October 2026 03:00 CEST -> 02:00 CET: the month gains an hour.
    const october = periodContaining(new Date('2026-10-25T01:30:00Z'), STO);
    expect(october.start.toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(october.end.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect((october.end.getTime() - october.start.getTime()) / HOUR).toBe(31 * 24 + 1);
    expect(nextPeriod(march).start).toEqual(march.end);
  });

  it('walks across the year boundary', () => {
    const dec = periodContaining(new Date('2026-12-31T22:59:59Z'), STO);
    expect(dec.key).toBe('2026-12');
    expect(nextPeriod(dec).key).toBe('2027-01');
    expect(previousPeriod(nextPeriod(dec)).key).toBe('2026-12');
    expect(previousPeriod(periodContaining(new Date('2026-01-15T00:00:00Z'), STO)).key).toBe('2025-12');
  });

  it('uses the customer zone, not UTC', () => {
    // 2026-11-30T23:30Z is already 1 December in Stockholm, still 30 November in New York.
    const t = new Date('2026-11-30T23:30:00Z');
    expect(periodContaining(t, STO).key).toBe('2026-12');
    expect(periodContaining(t, { timeZone: 'America/New_York' }).key).toBe('2026-11');
  });
});

describe('cycles and anchors', () => {
  it('monthly on the 15th', () => {
    const o = { ...STO, anchorDay: 15 };
    expect(periodContaining(new Date('2026-11-20T12:00:00Z'), o).key).toBe('2026-11-15/2026-12-15');
    expect(periodContaining(new Date('2026-11-10T12:00:00Z'), o).key).toBe('2026-10-15/2026-11-15');
    // 15 Nov 00:00 CET = 14 Nov 23:00Z
    const p = periodContaining(new Date('2026-11-14T23:00:00Z'), o);
    expect(p.key).toBe('2026-11-15/2026-12-15');
    expect(previousPeriod(p).key).toBe('2026-10-15/2026-11-15');
    expect(nextPeriod(periodContaining(new Date('2026-12-20T00:00:00Z'), o)).key).toBe(
      '2027-01-15/2027-02-15',
    );
  });

  it('quarterly, calendar aligned and shifted', () => {
    const q = periodContaining(new Date('2026-11-20T12:00:00Z'), { ...STO, cycle: 'QUARTERLY' });
    expect(q.key).toBe('2026-Q4');
    expect(q.start.toISOString()).toBe('2026-09-30T22:00:00.000Z'); // 1 Oct 00:00 CEST
    expect(q.end.toISOString()).toBe('2026-12-31T23:00:00.000Z'); // 1 Jan 00:00 CET
    expect(nextPeriod(q).key).toBe('2027-Q1');
    expect(previousPeriod(q).key).toBe('2026-Q3');
    // Quarters starting February, May, August, November:
    expect(
      periodContaining(new Date('2026-11-20T12:00:00Z'), { ...STO, cycle: 'QUARTERLY', anchorMonth: 2 }).key,
    ).toBe('2026-11-01/2027-02-01');
    expect(
      periodContaining(new Date('2026-01-20T12:00:00Z'), { ...STO, cycle: 'QUARTERLY', anchorMonth: 2 }).key,
    ).toBe('2025-11-01/2026-02-01');
  });

  it('yearly, calendar and fiscal (April)', () => {
    expect(periodContaining(new Date('2026-06-01T00:00:00Z'), { ...STO, cycle: 'YEARLY' }).key).toBe('2026');
    expect(
      periodContaining(new Date('2026-02-01T00:00:00Z'), { ...STO, cycle: 'YEARLY', anchorMonth: 4 }).key,
    ).toBe('2025-04-01/2026-04-01');
    expect(
      periodContaining(new Date('2026-02-01T00:00:00Z'), {
        ...STO,
        cycle: 'YEARLY',
        anchorMonth: 4,
        anchorDay: 10,
      }).key,
    ).toBe('2025-04-10/2026-04-10');
  });

  it('refuses anchor days 29..31 and unknown zones (a contract that lays out no periods)', () => {
    expect(() => periodContaining(new Date(), { ...STO, anchorDay: 29 })).toThrow(FailedPreconditionError);
    expect(() => periodContaining(new Date(), { ...STO, anchorDay: 0 })).toThrow(FailedPreconditionError);
    expect(() => periodContaining(new Date(), { timeZone: 'Mars/Olympus' })).toThrow(FailedPreconditionError);
    expect(() => periodContaining(new Date(Number.NaN), STO)).toThrow(ValidationError);
  });

  it('parses keys back', () => {
    expect(periodFromKey('2026-11', STO).start.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    expect(periodFromKey('2026-Q4', { ...STO, cycle: 'QUARTERLY' }).key).toBe('2026-Q4');
    expect(periodFromKey('2026', { ...STO, cycle: 'YEARLY' }).endDate).toBe('2027-01-01');
    expect(periodFromKey('2026-11-15/2026-12-15', { ...STO, anchorDay: 15 }).startDate).toBe('2026-11-15');
    expect(() => periodFromKey('2026-11', { ...STO, anchorDay: 15 })).toThrow(ValidationError);
    expect(() => periodFromKey('2026-13', STO)).toThrow(ValidationError);
    expect(() => periodFromKey('2026-11', { ...STO, anchorDay: 31 })).toThrow(FailedPreconditionError);
  });
});

describe('properties', () => {
  const zones = [
    'Europe/Stockholm',
    'America/New_York',
    'America/Santiago',
    'Asia/Kolkata',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'UTC',
  ];
  const optionsArb = fc.record({
    timeZone: fc.constantFrom(...zones),
    cycle: fc.constantFrom('MONTHLY' as const, 'QUARTERLY' as const, 'YEARLY' as const),
    anchorDay: fc.integer({ min: 1, max: 28 }),
    anchorMonth: fc.integer({ min: 1, max: 12 }),
  });
  const instantArb = fc.date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2060-01-01T00:00:00Z'),
    noInvalidDate: true,
  });

  it('periods contain their instant and tile time without gaps or overlaps', () => {
    fc.assert(
      fc.property(instantArb, optionsArb, (t, o) => {
        const p = periodContaining(t, o);
        expect(periodContains(p, t)).toBe(true);
        const n = nextPeriod(p);
        expect(n.start.getTime()).toBe(p.end.getTime());
        expect(previousPeriod(n).key).toBe(p.key);
        expect(previousPeriod(p).end.getTime()).toBe(p.start.getTime());
        expect(periodFromKey(p.key, o).start.getTime()).toBe(p.start.getTime());
        expect(periodContaining(p.start, o).key).toBe(p.key);
        expect(periodContaining(new Date(p.end.getTime() - 1), o).key).toBe(p.key);
      }),
      { numRuns: 500 },
    );
  });
});
