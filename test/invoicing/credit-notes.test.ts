import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FailedPreconditionError, ValidationError } from '../../src/domain/errors';
import {
  buildCreditNote,
  buildInvoiceDraft,
  formatInvoiceNumber,
  linesToCredit,
  parseInvoiceNumber,
  rerateDelta,
  type InvoiceLineInput,
} from '../../src/domain/invoicing/index';
import { lineAddsUp } from '../../src/domain/invoicing/line-price';
import { summaryArb } from './arbitraries';
import { baseInput, calls, issue, sampleCharges } from './fixtures';

const invoice = issue(buildInvoiceDraft({ ...baseInput, charges: sampleCharges }), 'INV-2026-000042');

describe('credit notes', () => {
  it('a full credit negates every line and total exactly and refers to the invoice', () => {
    const cn = buildCreditNote(invoice, { reason: 'Wrong customer', issueDate: '2026-12-10' });
    expect(cn.documentType).toBe('credit_note');
    expect(cn.precedingInvoiceNumber).toBe('INV-2026-000042');
    expect(cn.precedingInvoiceDate).toBe('2026-12-02');
    expect(cn.reason).toBe('Wrong customer');
    // Negative quantities at the same (positive) prices: each line still recomputes.
    expect(cn.lines.map((l) => [l.quantity, l.unitPrice, l.baseQuantity, l.netAmount])).toEqual([
      ['-9030', '0.09', '60', '-13.55'],
      ['-2700', '0.25', '60', '-11.25'],
      ['-615', '0.15', '60', '-1.54'],
      ['-3600', '0.01', '60', '-0.60'],
      ['-1', '0.01', undefined, '-0.01'], // the rounding line
    ]);
    expect(cn.lines.every((l) => lineAddsUp(l))).toBe(true);
    expect(cn.vatBreakdown).toEqual([
      { vatCategory: 'S', vatRate: '25', taxableAmount: '-26.95', vatAmount: '-6.74' },
    ]);
    expect(cn.totals).toEqual({
      netTotal: '-26.95',
      vatTotal: '-6.74',
      grossTotal: '-33.69',
      payableAmount: '-33.69',
    });
  });

  it('credits selected lines only', () => {
    const cn = buildCreditNote(invoice, {
      reason: 'Dial-out test calls',
      lines: [invoice.lines[2]!],
      issueDate: '2026-12-10',
    });
    // -1.54, VAT -0.385 -> -0.39 (half up is symmetric: away from zero), gross -1.93
    expect(cn.lines).toHaveLength(1);
    expect(cn.lines[0]!.lineNo).toBe(1);
    expect(cn.totals).toMatchObject({ netTotal: '-1.54', vatTotal: '-0.39', grossTotal: '-1.93' });
  });

  it('refuses to credit more than was invoiced, a credit note, or without a reason', () => {
    expect(() =>
      buildCreditNote(invoice, {
        reason: 'x',
        lines: [...invoice.lines, ...invoice.lines],
        issueDate: '2026-12-10',
      }),
    ).toThrow(FailedPreconditionError);
    expect(() =>
      buildCreditNote(invoice, {
        reason: 'x',
        lines: [...invoice.lines, ...invoice.lines],
        issueDate: '2026-12-10',
      }),
    ).toThrow(/exceeds/);
    const cn = issue(buildCreditNote(invoice, { reason: 'x', issueDate: '2026-12-10' }), 'CN-2026-000001');
    expect(() => buildCreditNote(cn, { reason: 'x', issueDate: '2026-12-10' })).toThrow(/only an invoice/);
    expect(() => buildCreditNote(cn, { reason: 'x', issueDate: '2026-12-10' })).toThrow(
      FailedPreconditionError,
    );
    expect(() => buildCreditNote(invoice, { reason: ' ', issueDate: '2026-12-10' })).toThrow(/reason/);
    expect(() => buildCreditNote(invoice, { reason: ' ', issueDate: '2026-12-10' })).toThrow(ValidationError);
  });

  it('property: a full credit cancels any invoice to the cent', () => {
    fc.assert(
      fc.property(fc.array(summaryArb, { minLength: 1, maxLength: 30 }), (charges) => {
        const inv = issue(buildInvoiceDraft({ ...baseInput, charges }), 'INV-2026-000001');
        const cn = buildCreditNote(inv, { reason: 'r', issueDate: '2026-12-03' });
        for (const k of ['netTotal', 'vatTotal', 'grossTotal'] as const) {
          expect(cn.totals[k]).toBe(
            inv.totals[k] === '0.00'
              ? '0.00'
              : inv.totals[k].startsWith('-')
                ? inv.totals[k].slice(1)
                : `-${inv.totals[k]}`,
          );
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('what a credit note takes back (linesToCredit)', () => {
  const none = new Map<number, { netAmount: string; quantity: string }>();
  const view = (lines: ReturnType<typeof linesToCredit>) =>
    lines.map((l) => [l.lineNo, l.input.quantity, l.input.netAmount]);

  it('all of every line when no line is named', () => {
    expect(view(linesToCredit(invoice, none, []))).toEqual([
      [1, '9030', '13.55'],
      [2, '2700', '11.25'],
      [3, '615', '1.54'],
      [4, '3600', '0.60'],
      [5, '1', '0.01'],
    ]);
  });

  it('a part of a line priced like the line, and later the rest of it exactly', () => {
    // 3010 s x 0.09 / 60 = 4.515 -> 4.52
    expect(view(linesToCredit(invoice, none, [{ lineNumber: 1, quantity: '3010' }]))).toEqual([
      [1, '3010', '4.52'],
    ]);
    // the rest: 13.55 - 4.52 = 9.03 (= 6020 x 0.09 / 60, exactly)
    const partly = new Map([[1, { netAmount: '-4.52', quantity: '-3010' }]]);
    expect(view(linesToCredit(invoice, partly, [{ lineNumber: 1 }]))).toEqual([[1, '6020', '9.03']]);
    expect(() => linesToCredit(invoice, partly, [{ lineNumber: 1, quantity: '6021' }])).toThrow(
      FailedPreconditionError,
    );
    // After two parts of 3010 s (4.52 each), the last 3010 s are credited at what remains of the line,
    // 13.55 - 9.04 = 4.51, not at 4.52: a line is never credited more than it billed.
    const twice = new Map([[1, { netAmount: '-9.04', quantity: '-6020' }]]);
    expect(view(linesToCredit(invoice, twice, [{ lineNumber: 1 }]))).toEqual([[1, '3010', '4.51']]);
  });

  it('a part of a discounted line has the allowance of that part, and the rest the rest of it', () => {
    // 900 s x 0.50 / 60 = 7.50, less 10 % (0.75) = 6.75
    const discounted = issue(
      buildInvoiceDraft({
        ...baseInput,
        charges: [
          calls('dial_out', 'SE', 'c', '0.50', [600, 300], {
            amount: '6.75',
            parts: [
              {
                kind: 'usage',
                quantity: '900',
                unitCode: 'SEC',
                price: '0.50',
                baseQuantity: '60',
                discountPercent: '10',
                discountReason: 'Contract K-7: 10 %',
              },
            ],
          }),
        ],
      }),
      'INV-2026-000043',
    );
    expect(discounted.lines).toHaveLength(1);
    // 301 s: 301 x 0.50 / 60 = 2.50833 -> 2.51, less 0.251 -> 0.25: 2.26
    const [part] = linesToCredit(discounted, none, [{ lineNumber: 1, quantity: '301' }]);
    expect(part!.input).toMatchObject({ quantity: '301', netAmount: '2.26' });
    expect(part!.input.allowance).toMatchObject({ baseAmount: '2.51', amount: '0.25' });
    // the rest, 599 s: 6.75 - 2.26 = 4.49 = 599 x 0.50 / 60 = 4.99167 -> 4.99, less 0.499 -> 0.50,
    // with that allowance (not the whole line's 7.50 and 0.75)
    const partly = new Map([[1, { netAmount: '-2.26', quantity: '-301' }]]);
    for (const rest of [
      linesToCredit(discounted, partly, [{ lineNumber: 1 }]),
      linesToCredit(discounted, partly, []),
    ]) {
      expect(rest[0]!.input).toMatchObject({ quantity: '599', netAmount: '4.49' });
      expect(rest[0]!.input.allowance).toMatchObject({ percent: '10', baseAmount: '4.99', amount: '0.50' });
      const cn = buildCreditNote(discounted, {
        reason: 'r',
        lines: rest.map((l) => l.input),
        issueDate: '2026-12-10',
      });
      expect(cn.lines[0]).toMatchObject({ quantity: '-599', netAmount: '-4.49' });
      expect(cn.lines[0]!.allowance).toMatchObject({ baseAmount: '-4.99', amount: '-0.50' });
      expect(lineAddsUp(cn.lines[0]!)).toBe(true);
    }
  });

  it('leaves out fully credited lines, and refuses when nothing remains', () => {
    const first = new Map([[1, { netAmount: '-13.55', quantity: '-9030' }]]);
    expect(view(linesToCredit(invoice, first, [])).map(([lineNo]) => lineNo)).toEqual([2, 3, 4, 5]);
    expect(() => linesToCredit(invoice, first, [{ lineNumber: 1 }])).toThrow(/remains uncredited/);
    const all = new Map(
      invoice.lines.map((l) => [l.lineNo, { netAmount: `-${l.netAmount}`, quantity: `-${l.quantity}` }]),
    );
    expect(() => linesToCredit(invoice, all, [])).toThrow(FailedPreconditionError);
    expect(() => linesToCredit(invoice, all, [])).toThrow(/already fully credited/);
  });

  it('refuses a line the invoice does not have, naming the request field', () => {
    expect(() => linesToCredit(invoice, none, [{ lineNumber: 2 }, { lineNumber: 9 }])).toThrow(
      expect.objectContaining({
        violations: [{ field: 'lines[1].line_number', reason: 'invoice INV-2026-000042 has no line 9' }],
      }) as Error,
    );
  });
});

describe('rerate delta', () => {
  const view = (lines: readonly InvoiceLineInput[]) =>
    lines.map((l) => [l.description, l.quantity, l.unitCode, l.unitPrice, l.netAmount]);
  const ROUNDING = "Rounding: each call's charge rounded to the cent";

  it('splits a rerate into what to credit and what to invoice', () => {
    // New rule set: dial-out US 0.12 instead of 0.15; a late-found local call of 600 s in conf-B.
    const rerated = [
      calls('local_dial_in', 'SE', 'conf-A', '0.09', [2410, 2410, 2410]),
      calls('dial_out', 'US', 'conf-A', '0.12', [615]), // 615 x 0.12 / 60 = 1.23
      calls('web', undefined, 'conf-A', '0.01', [1800, 1800]),
      calls('local_dial_in', 'SE', 'conf-B', '0.09', [1800, 600]), // + 0.90
      calls('toll_free_dial_in', 'SE', 'conf-B', '0.25', [2700]),
    ];
    const fresh = buildInvoiceDraft({ ...baseInput, charges: rerated });
    // local SE: 9630 s x 0.09 / 60 = 14.445 -> 14.45 (was 13.55): +0.90 = 600 s at 0.09, the line's price
    // rounding: calls 14.46 vs 14.45, still +0.01: unchanged
    // dial-out US: a new price is another line: the line at 0.15 is credited whole (1.54) and
    // the line at 0.12 is invoiced (1.23)
    const delta = rerateDelta(invoice.lines, fresh.lines);
    expect(delta.netDelta).toBe('0.59'); // 0.90 - 1.54 + 1.23
    expect(view(delta.toInvoice)).toEqual([
      ['Rerated: Dial-in, local number, zone SE', '600', 'SEC', '0.09', '0.90'],
      ['Rerated: Dial-out, zone US', '615', 'SEC', '0.12', '1.23'],
    ]);
    expect(view(delta.toCredit)).toEqual([['Rerated: Dial-out, zone US', '615', 'SEC', '0.15', '1.54']]);
    expect([...delta.toInvoice, ...delta.toCredit].every((l) => lineAddsUp(l))).toBe(true);

    const cn = buildCreditNote(invoice, {
      reason: 'Rerated with rule set 2026-12-01',
      lines: delta.toCredit,
      issueDate: '2026-12-10',
    });
    // -1.54, VAT -0.385 -> -0.39
    expect(cn.totals).toMatchObject({ netTotal: '-1.54', vatTotal: '-0.39', grossTotal: '-1.93' });
    const extra = buildInvoiceDraft({
      ...baseInput,
      issueDate: '2026-12-10',
      charges: [],
      extraLines: delta.toInvoice,
      precedingInvoiceNumber: invoice.number,
    });
    // 0.90 + 1.23 = 2.13, VAT 0.5325 -> 0.53
    expect(extra.totals).toMatchObject({ netTotal: '2.13', vatTotal: '0.53', grossTotal: '2.66' });
    expect(extra.precedingInvoiceNumber).toBe('INV-2026-000042');
    // Nets add up exactly: 26.95 - 1.54 + 2.13 = 27.54 = the rerated invoice's net.
    expect(fresh.totals.netTotal).toBe('27.54');
    // VAT may not (documented): rerated invoice VAT 27.54 x 25% = 6.885 -> 6.89, i.e. +0.15 on 6.74,
    // while the two documents carry -0.39 + 0.53 = +0.14 (each rounds once per rate).
    expect(fresh.totals.vatTotal).toBe('6.89');
  });

  it('a later rerate counts the corrections issued before, whatever their text and unit', () => {
    // First rerate: dial-out US at 0.12 (credit the 0.15 line, invoice the 0.12 one), and a late
    // local call of 10 s (0.015 -> 0.02): local SE 9040 s x 0.09 / 60 = 13.56 (+0.01, while 10 s at
    // 0.09 price to 0.02: a price adjustment of 0.01), and the calls 13.58: rounding 0.02 (+0.01, a
    // price adjustment too).
    const first = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges.map((c) =>
        c.zone === 'US'
          ? calls('dial_out', 'US', 'conf-A', '0.12', [615])
          : c.conferenceId === 'conf-B' && c.accessType === 'local_dial_in'
            ? calls('local_dial_in', 'SE', 'conf-B', '0.09', [1800, 10])
            : c,
      ),
    });
    const d1 = rerateDelta(invoice.lines, first.lines);
    expect(view(d1.toInvoice)).toEqual([
      ['Price adjustment: Dial-in, local number, zone SE', '1', 'C62', '0.01', '0.01'],
      [`Price adjustment: ${ROUNDING}`, '1', 'C62', '0.01', '0.01'],
      ['Rerated: Dial-out, zone US', '615', 'SEC', '0.12', '1.23'],
    ]);
    expect(d1.netDelta).toBe('-0.29'); // 0.01 + 0.01 + 1.23 - 1.54
    const cn = buildCreditNote(invoice, { reason: 'r1', lines: d1.toCredit, issueDate: '2026-12-10' });
    const extra = buildInvoiceDraft({ ...baseInput, charges: [], extraLines: d1.toInvoice });
    expect(cn.lines.map((l) => [l.kind, l.unitCode, l.quantity])).toEqual([['usage', 'SEC', '-615']]);
    // Second rerate back to the original charges: the corrections are undone exactly, line by line.
    const d2 = rerateDelta([...invoice.lines, ...cn.lines, ...extra.lines], invoice.lines);
    expect(view(d2.toCredit)).toEqual([
      ['Price adjustment: Dial-in, local number, zone SE', '1', 'C62', '0.01', '0.01'],
      [`Price adjustment: ${ROUNDING}`, '1', 'C62', '0.01', '0.01'],
      ['Rerated: Dial-out, zone US', '615', 'SEC', '0.12', '1.23'],
    ]);
    expect(view(d2.toInvoice)).toEqual([['Rerated: Dial-out, zone US', '615', 'SEC', '0.15', '1.54']]);
    expect(d2.netDelta).toBe('0.29');
    // And a third, with nothing changed since, is empty.
    const cn2 = buildCreditNote(invoice, { reason: 'r2', lines: d2.toCredit, issueDate: '2026-12-11' });
    const extra2 = buildInvoiceDraft({ ...baseInput, charges: [], extraLines: d2.toInvoice });
    expect(
      rerateDelta(
        [...invoice.lines, ...cn.lines, ...extra.lines, ...cn2.lines, ...extra2.lines],
        invoice.lines,
      ),
    ).toEqual({ toCredit: [], toInvoice: [], netDelta: '0.00' });
  });

  it('is empty for an unchanged rerate, and credits removed lines entirely', () => {
    expect(rerateDelta(invoice.lines, invoice.lines)).toEqual({
      toCredit: [],
      toInvoice: [],
      netDelta: '0.00',
    });
    const d = rerateDelta(
      invoice.lines,
      invoice.lines.filter((l) => l.accessType !== 'web'),
    );
    expect(view(d.toCredit)).toEqual([['Rerated: Web / VoIP', '3600', 'SEC', '0.01', '0.60']]);
    expect(d.netDelta).toBe('-0.60');
    // Nothing left: every line credited at its own quantity and price, the rounding line too.
    const all = rerateDelta(invoice.lines, []);
    expect(all.toCredit.map((l) => [l.kind, l.quantity, l.netAmount])).toEqual([
      ['usage', '9030', '13.55'],
      ['usage', '2700', '11.25'],
      ['usage', '615', '1.54'],
      ['usage', '3600', '0.60'],
      ['rounding', '1', '0.01'],
    ]);
    expect(all.netDelta).toBe('-26.95');
  });
});

describe('invoice numbers', () => {
  it('formats and parses', () => {
    expect(formatInvoiceNumber('INV', 2026, 42)).toBe('INV-2026-000042');
    expect(formatInvoiceNumber('CN', 2027, 1)).toBe('CN-2027-000001');
    expect(formatInvoiceNumber('INV', 2026, 1234567)).toBe('INV-2026-1234567');
    expect(parseInvoiceNumber('INV-2026-000042')).toEqual({ series: 'INV', year: 2026, seq: 42 });
    expect(() => formatInvoiceNumber('inv', 2026, 1)).toThrow();
    expect(() => formatInvoiceNumber('INV', 2026, 0)).toThrow();
    expect(() => formatInvoiceNumber('INV', 26, 1)).toThrow();
    expect(() => parseInvoiceNumber('INV-2026-42')).toThrow();
  });
});
