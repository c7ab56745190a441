/**
 * What a credit request may take back of an invoice line (src/domain/invoicing/credit-note.ts): never
 * a negative line on its own (that would charge the customer), and never more than a line's net,
 * however its quantity is split into parts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FailedPreconditionError, ValidationError } from '../../src/domain/errors';
import {
  buildCreditNote,
  buildInvoiceDraft,
  linesToCredit,
  type CreditedSoFar,
  type InvoiceLineInput,
} from '../../src/domain/invoicing/index';
import { priceLine } from '../../src/domain/invoicing/line-price';
import { Decimal, ZERO } from '../../src/domain/money';
import { decimalArb } from './arbitraries';
import { baseInput, calls, issue } from './fixtures';

const none: CreditedSoFar = new Map();

// 12000 s at 0.09 = 18.00, less 100 included minutes (6000 s) = -9.00: net 9.00.
const withIncluded = issue(
  buildInvoiceDraft({
    ...baseInput,
    charges: [calls('local_dial_in', 'SE', 'c', '0.09', [6000, 6000])],
    periodPricing: { includedMinutes: { minutes: '100' } },
  }),
  'INV-2026-000007',
);
const includedLine = withIncluded.lines.find((l) => l.kind === 'included_minutes')!;

describe('a negative line', () => {
  it('is refused on its own, naming the request field, rather than charging the customer', () => {
    expect(includedLine.netAmount).toBe('-9.00');
    const request = [{ lineNumber: 1, quantity: '60' }, { lineNumber: includedLine.lineNo }];
    expect(() => linesToCredit(withIncluded, none, request)).toThrow(ValidationError);
    expect(() => linesToCredit(withIncluded, none, request)).toThrow(
      expect.objectContaining({
        violations: [
          {
            field: 'lines[1].line_number',
            reason:
              'line 2 has a negative net amount (-9.00) and cannot be credited; credit the whole invoice instead',
          },
        ],
      }) as Error,
    );
    // A part of its quantity too.
    expect(() =>
      linesToCredit(withIncluded, none, [{ lineNumber: includedLine.lineNo, quantity: '60' }]),
    ).toThrow(ValidationError);
  });

  it('is negated by a full credit of the invoice, whose total is a credit', () => {
    const chosen = linesToCredit(withIncluded, none, []);
    const cn = buildCreditNote(withIncluded, {
      reason: 'Wrong customer',
      lines: chosen.map((c) => c.input),
      issueDate: '2026-12-10',
    });
    expect(cn.lines.map((l) => [l.kind, l.quantity, l.netAmount])).toEqual(
      withIncluded.lines.map((l) => [
        l.kind,
        new Decimal(l.quantity).negated().toFixed(),
        new Decimal(l.netAmount).negated().toFixed(2),
      ]),
    );
    expect(cn.lines.find((l) => l.kind === 'included_minutes')).toMatchObject({
      quantity: '6000',
      netAmount: '9.00',
    });
    // 18.00 - 9.00 = 9.00, VAT 2.25
    expect(cn.totals).toMatchObject({ netTotal: '-9.00', vatTotal: '-2.25', grossTotal: '-11.25' });
  });
});

/** An invoice of one line of `quantity` units at `unitPrice` (per `base`), perhaps discounted. */
function oneLineInvoice(quantity: string, unitPrice: string, base: string, percent?: string) {
  const discount = percent ? { percent, reason: `Contract discount ${percent} %` } : undefined;
  const priced = priceLine({ quantity, unitPrice, baseQuantity: base, discount });
  const line: InvoiceLineInput = {
    kind: 'usage',
    description: 'Units',
    quantity,
    unitCode: 'C62',
    unitPrice,
    netAmount: priced.netAmount,
    vatRate: '25',
  };
  if (base !== '1') line.baseQuantity = base;
  if (priced.allowance) line.allowance = priced.allowance;
  return issue(buildInvoiceDraft({ ...baseInput, charges: [], extraLines: [line] }), 'INV-2026-000008');
}

/** Line 1 of an invoice credited part by part, as CreateCreditNote does it. */
class LineCredits {
  credited = ZERO;
  quantity = ZERO;
  constructor(private readonly invoice: ReturnType<typeof oneLineInvoice>) {}

  /** Credits `quantity` units (the rest when absent) in a credit note; the net of its line. */
  credit(quantity?: string): Decimal {
    const soFar: CreditedSoFar = new Map([
      [1, { netAmount: this.credited.negated().toFixed(), quantity: this.quantity.negated().toFixed() }],
    ]);
    const chosen = linesToCredit(this.invoice, soFar, [
      quantity ? { lineNumber: 1, quantity } : { lineNumber: 1 },
    ]);
    const cn = buildCreditNote(this.invoice, {
      reason: 'r',
      lines: chosen.map((c) => c.input),
      issueDate: '2026-12-10',
    });
    const line = cn.lines[0]!;
    this.credited = this.credited.minus(line.netAmount);
    this.quantity = this.quantity.minus(line.quantity);
    return new Decimal(line.netAmount).negated();
  }
}

describe('partial credits of a line', () => {
  it('are capped at what remains of its net, and the last units take exactly the rest', () => {
    // 21 units x 0.001 = 0.021 -> 0.02. 5 units: 0.005 -> 0.01; 15 units: 0.015 -> 0.02, more than
    // the 0.01 that remains: capped at 0.01. The line is then fully credited, 1 unit or not.
    const inv = oneLineInvoice('21', '0.001', '1');
    expect(inv.lines[0]!.netAmount).toBe('0.02');
    const credits = new LineCredits(inv);
    expect([credits.credit('5'), credits.credit('15')].map((n) => n.toFixed(2))).toEqual(['0.01', '0.01']);
    expect(credits.credited.toFixed(2)).toBe('0.02');
    expect(() => credits.credit()).toThrow(FailedPreconditionError);
    expect(() => credits.credit()).toThrow(/nothing remains uncredited/);
    // A full credit of the invoice leaves the line out (no +0.01 charge line).
    const soFar = new Map([[1, { netAmount: '-0.02', quantity: '-20' }]]);
    expect(() => linesToCredit(inv, soFar, [])).toThrow(/already fully credited/);
  });

  it('property: never credit more than the line, and all of its units credit exactly its net', () => {
    fc.assert(
      fc.property(
        // Mostly few units at a fraction of a cent, where each part's rounding matters most.
        fc.oneof(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5000 })),
        fc.oneof(decimalArb(0, 3), decimalArb(3, 4)).filter((p) => new Decimal(p).greaterThan(0)),
        fc.constantFrom('1', '60'),
        fc.constantFrom(undefined, '10', '12.5', '33'),
        fc.array(fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5000 })), {
          maxLength: 8,
        }),
        (quantity, unitPrice, base, percent, wanted) => {
          const inv = oneLineInvoice(String(quantity), unitPrice, base, percent);
          const net = new Decimal(inv.lines[0]!.netAmount);
          fc.pre(net.greaterThan(0));
          const credits = new LineCredits(inv);
          let left = quantity;
          for (const w of wanted) {
            const q = Math.min(w, left);
            if (!credits.credited.lessThan(net)) {
              // The line's net is used up (by the rounding of earlier parts): nothing more is credited.
              expect(() => credits.credit(String(q))).toThrow(/nothing remains uncredited/);
              break;
            }
            expect(credits.credit(String(q)).lessThan(0)).toBe(false);
            expect(credits.credited.lessThanOrEqualTo(net)).toBe(true);
            left -= q;
            if (!left) break;
          }
          // Whatever units remain, credited in one last part (if any net remains for them).
          if (left && credits.credited.lessThan(net)) credits.credit();
          expect(credits.credited.equals(net)).toBe(true);
        },
      ),
      {
        numRuns: 500,
        // 2 units at 0.005 = 0.01; each unit alone 0.005 -> 0.01: 0.02 credited without the cap.
        examples: [[2, '0.005', '1', undefined, [1, 1]]],
      },
    );
  });
});
