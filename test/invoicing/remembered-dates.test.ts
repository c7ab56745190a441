/**
 * The date arithmetic a close repeats per invoice is remembered per input (draft.ts, assemble.ts):
 * remembering must never let a bad date through or answer another input's result.
 */
import { describe, expect, it } from 'vitest';
import { checkIsoDate } from '../../src/domain/invoicing/assemble';
import { dueDateFor, invoicePeriodOf } from '../../src/domain/invoicing/draft';
import { periodContaining } from '../../src/domain/periods/index';

describe('remembered invoice dates', () => {
  it('answers each input its own date, every time', () => {
    for (let round = 0; round < 2; round++) {
      expect(dueDateFor('2026-12-31', 30)).toBe('2027-01-30');
      expect(dueDateFor('2026-12-31', 0)).toBe('2026-12-31');
      expect(dueDateFor('2027-02-01', 30)).toBe('2027-03-03');
      expect(checkIsoDate('2028-02-29', 'issueDate').toISODate()).toBe('2028-02-29');
    }
  });

  it('still refuses bad dates and terms after good ones', () => {
    expect(dueDateFor('2026-11-30', 14)).toBe('2026-12-14');
    for (let round = 0; round < 2; round++) {
      expect(() => checkIsoDate('2026-02-30', 'issueDate')).toThrow(RangeError);
      expect(() => checkIsoDate('2026-11-30T00:00', 'issueDate')).toThrow(RangeError);
      expect(() => dueDateFor('2026-11-30', -1)).toThrow(RangeError);
      expect(() => dueDateFor('2026-11-31', 14)).toThrow(RangeError);
    }
  });

  it('keeps more than its bound of dates correct', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 600; i++) {
      const day = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
      const next = new Date(start + (i + 1) * 86_400_000).toISOString().slice(0, 10);
      expect(dueDateFor(day, 1)).toBe(next);
    }
  });

  it('gives each period its own last date', () => {
    const options = { timeZone: 'Europe/Stockholm', cycle: 'MONTHLY' as const, anchorDay: 1 };
    for (let round = 0; round < 2; round++) {
      expect(invoicePeriodOf(periodContaining(new Date('2026-10-15T12:00:00Z'), options)).lastDate).toBe(
        '2026-10-31',
      );
      expect(invoicePeriodOf(periodContaining(new Date('2026-02-15T12:00:00Z'), options)).lastDate).toBe(
        '2026-02-28',
      );
    }
  });
});
