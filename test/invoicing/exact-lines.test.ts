/**
 * Properties of invoice lines at exact prices (src/domain/invoicing/line-price.ts): on any invoice,
 * every line recomputes (quantity × unit price / base quantity, rounded, less its allowance), the
 * usage lines and the rounding lines come to exactly the calls' charges, and a full credit note
 * negates every line, allowance and total.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildCreditNote,
  buildInvoiceDraft,
  type ChargeSummary,
  type PeriodPricingRules,
} from '../../src/domain/invoicing/index';
import { lineAddsUp } from '../../src/domain/invoicing/line-price';
import { Decimal } from '../../src/domain/money';
import { summaryArb } from './arbitraries';
import { baseInput, issue } from './fixtures';

const PERIOD_KINDS = ['included_minutes', 'volume_tier', 'minimum_commitment'];

const periodPricingArb: fc.Arbitrary<PeriodPricingRules | undefined> = fc.option(
  fc.record(
    {
      includedMinutes: fc.record({ minutes: fc.constantFrom('0', '1', '100', '2500.5', '100000') }),
      volumeTiers: fc.record({
        model: fc.constantFrom('graduated' as const, 'volume' as const),
        tiers: fc.constant([
          { upTo: '1000', unitPrice: '0.1234', flatFee: '10' },
          { upTo: '5000', unitPrice: '0.085' },
          { upTo: null, unitPrice: '0.012345' },
        ]),
      }),
      minimumCommitment: fc.record({ amount: fc.constantFrom('0', '99.99', '5000') }),
    },
    { requiredKeys: [] },
  ),
  { nil: undefined },
);

const negated = (v: string) => (new Decimal(v).isZero() ? v : new Decimal(v).negated().toFixed(2));

describe('invoice lines at exact prices (property)', () => {
  it('every line adds up, usage equals the calls, and a full credit negates every line and total', () => {
    fc.assert(
      fc.property(
        fc.array(summaryArb, { minLength: 1, maxLength: 25 }),
        fc.constantFrom('access_type_zone' as const, 'conference' as const),
        periodPricingArb,
        (charges: ChargeSummary[], grouping, periodPricing) => {
          const draft = buildInvoiceDraft({
            ...baseInput,
            charges,
            grouping,
            ...(periodPricing ? { periodPricing } : {}),
          });
          for (const line of draft.lines) expect(lineAddsUp(line), JSON.stringify(line)).toBe(true);

          // The usage lines (every part kind and the rounding) come to the calls' charges, exactly.
          const usage = draft.lines
            .filter((l) => !PERIOD_KINDS.includes(l.kind))
            .reduce((s, l) => s.plus(l.netAmount), new Decimal(0));
          const called = charges.reduce((s, c) => s.plus(c.amount), new Decimal(0));
          expect(usage.toFixed(2)).toBe(called.toFixed(2));

          const invoice = issue(draft, 'INV-2026-000007');
          const credit = buildCreditNote(invoice, { reason: 'r', issueDate: '2026-12-03' });
          expect(credit.lines).toHaveLength(invoice.lines.length);
          credit.lines.forEach((c, i) => {
            const l = invoice.lines[i]!;
            expect(c.quantity).toBe(
              new Decimal(l.quantity).isZero() ? l.quantity : new Decimal(l.quantity).negated().toFixed(),
            );
            expect(c.unitPrice).toBe(l.unitPrice);
            expect(c.baseQuantity).toBe(l.baseQuantity);
            expect(c.netAmount).toBe(negated(l.netAmount));
            if (l.allowance)
              expect(c.allowance).toEqual({
                ...l.allowance,
                baseAmount: negated(l.allowance.baseAmount),
                amount: negated(l.allowance.amount),
              });
            else expect(c.allowance).toBeUndefined();
            expect(lineAddsUp(c), JSON.stringify(c)).toBe(true);
          });
          for (const k of ['netTotal', 'vatTotal', 'grossTotal', 'payableAmount'] as const)
            expect(credit.totals[k]).toBe(negated(invoice.totals[k]));
          expect(credit.vatBreakdown.map((b) => [b.vatRate, b.taxableAmount, b.vatAmount])).toEqual(
            invoice.vatBreakdown.map((b) => [b.vatRate, negated(b.taxableAmount), negated(b.vatAmount)]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
