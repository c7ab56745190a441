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
  type ChargeSummary,
} from '../../src/domain/invoicing/index';
import { baseInput, charge, issue, sampleCharges } from './fixtures';

const invoice = issue(buildInvoiceDraft({ ...baseInput, charges: sampleCharges }), 'INV-2026-000042');

describe('credit notes', () => {
  it('a full credit negates every line and total exactly and refers to the invoice', () => {
    const cn = buildCreditNote(invoice, { reason: 'Wrong customer', issueDate: '2026-12-10' });
    expect(cn.documentType).toBe('credit_note');
    expect(cn.precedingInvoiceNumber).toBe('INV-2026-000042');
    expect(cn.precedingInvoiceDate).toBe('2026-12-02');
    expect(cn.reason).toBe('Wrong customer');
    expect(cn.lines.map((l) => [l.quantity, l.unitPrice, l.netAmount])).toEqual([
      ['-150.5', '0.0900', '-13.55'],
      ['-45', '0.2500', '-11.25'],
      ['-10.25', '0.1500', '-1.54'],
      ['-60', '0.0100', '-0.60'],
    ]);
    expect(cn.vatBreakdown).toEqual([
      { vatCategory: 'S', vatRate: '25', taxableAmount: '-26.94', vatAmount: '-6.74' },
    ]);
    expect(cn.totals).toEqual({
      netTotal: '-26.94',
      vatTotal: '-6.74',
      grossTotal: '-33.68',
      payableAmount: '-33.68',
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
    const amountArb = fc
      .tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99999 }))
      .map(([i, f]) => `${i}.${String(f).padStart(5, '0')}`);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            zone: fc.constantFrom('SE', 'NO', 'DK'),
            conf: fc.constantFrom('a', 'b', 'c'),
            amount: amountArb,
            rate: fc.constantFrom('25', '12', '6', '0'),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        (rows) => {
          const charges: ChargeSummary[] = rows.map((r) =>
            charge('dial_out', r.zone, r.conf, '1.5', 1, r.amount, { vatRate: r.rate }),
          );
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
        },
      ),
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
      [1, '150.5', '13.55'],
      [2, '45', '11.25'],
      [3, '10.25', '1.54'],
      [4, '60', '0.60'],
    ]);
  });

  it('a part of a line priced pro rata, and later the rest of it exactly', () => {
    // 13.55 x 50 / 150.5 = 4.5016... -> 4.50
    expect(view(linesToCredit(invoice, none, [{ lineNumber: 1, quantity: '50' }]))).toEqual([
      [1, '50', '4.50'],
    ]);
    const partly = new Map([[1, { netAmount: '-4.50', quantity: '-50' }]]);
    expect(view(linesToCredit(invoice, partly, [{ lineNumber: 1 }]))).toEqual([[1, '100.5', '9.05']]);
    expect(() => linesToCredit(invoice, partly, [{ lineNumber: 1, quantity: '100.6' }])).toThrow(
      FailedPreconditionError,
    );
  });

  it('leaves out fully credited lines, and refuses when nothing remains', () => {
    const first = new Map([[1, { netAmount: '-13.55', quantity: '-150.5' }]]);
    expect(view(linesToCredit(invoice, first, [])).map(([lineNo]) => lineNo)).toEqual([2, 3, 4]);
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
  it('splits a rerate into what to credit and what to invoice', () => {
    // New rule set: dial-out US 0.12 instead of 0.15; 10 late-found local minutes in conf-B.
    const rerated = [
      charge('local_dial_in', 'SE', 'conf-A', '120.5', 3, '10.845'),
      charge('dial_out', 'US', 'conf-A', '10.25', 1, '1.23'), // 10.25 x 0.12
      charge('web', undefined, 'conf-A', '60', 2, '0.6'),
      charge('local_dial_in', 'SE', 'conf-B', '40', 2, '3.6'),
      charge('toll_free_dial_in', 'SE', 'conf-B', '45', 1, '11.25'),
    ];
    const fresh = buildInvoiceDraft({ ...baseInput, charges: rerated });
    // local SE: 160.5 min, 14.445 -> 14.45 (was 13.55): +0.90 for +10 min
    // dial-out US: 1.23 (was 1.54), same minutes: -0.31 as a price adjustment
    const delta = rerateDelta(invoice.lines, fresh.lines);
    expect(delta.netDelta).toBe('0.59');
    expect(
      delta.toInvoice.map((l) => [l.description, l.quantity, l.unitCode, l.unitPrice, l.netAmount]),
    ).toEqual([['Rerated: Dial-in, local number, zone SE', '10', 'MIN', '0.0900', '0.90']]);
    expect(
      delta.toCredit.map((l) => [l.description, l.quantity, l.unitCode, l.unitPrice, l.netAmount]),
    ).toEqual([['Price adjustment: Dial-out, zone US', '1', 'C62', '0.3100', '0.31']]);

    const cn = buildCreditNote(invoice, {
      reason: 'Rerated with rule set 2026-12-01',
      lines: delta.toCredit,
      issueDate: '2026-12-10',
    });
    // -0.31, VAT -0.0775 -> -0.08
    expect(cn.totals).toMatchObject({ netTotal: '-0.31', vatTotal: '-0.08', grossTotal: '-0.39' });
    const extra = buildInvoiceDraft({
      ...baseInput,
      issueDate: '2026-12-10',
      charges: [],
      extraLines: delta.toInvoice,
      precedingInvoiceNumber: invoice.number,
    });
    // 0.90, VAT 0.225 -> 0.23
    expect(extra.totals).toMatchObject({ netTotal: '0.90', vatTotal: '0.23', grossTotal: '1.13' });
    expect(extra.precedingInvoiceNumber).toBe('INV-2026-000042');
    // Nets add up exactly: 26.94 - 0.31 + 0.90 = 27.53 = the rerated invoice's net.
    expect(fresh.totals.netTotal).toBe('27.53');
    // VAT may not (documented): rerated invoice VAT 27.53 x 25% = 6.8825 -> 6.88, i.e. +0.14 on 6.74,
    // while the two documents carry -0.08 + 0.23 = +0.15 (each rounds once per rate).
    expect(fresh.totals.vatTotal).toBe('6.88');
  });

  it('a later rerate counts the corrections issued before, whatever their text and unit', () => {
    // First rerate: dial-out US 1.54 -> 1.23 (price adjustment, credit 0.31); local SE +10 min (+0.90).
    const first = buildInvoiceDraft({
      ...baseInput,
      charges: sampleCharges.map((c) =>
        c.zone === 'US'
          ? { ...c, amount: '1.23' }
          : c.conferenceId === 'conf-B' && c.accessType === 'local_dial_in'
            ? { ...c, minutes: '40', amount: '3.6' }
            : c,
      ),
    });
    const d1 = rerateDelta(invoice.lines, first.lines);
    const cn = buildCreditNote(invoice, { reason: 'r1', lines: d1.toCredit, issueDate: '2026-12-10' });
    const extra = buildInvoiceDraft({ ...baseInput, charges: [], extraLines: d1.toInvoice });
    expect(cn.lines.map((l) => [l.kind, l.unitCode, l.quantity])).toEqual([['adjustment', 'C62', '-1']]);
    // Second rerate back to the original charges: the corrections are undone exactly, line by line.
    const d2 = rerateDelta([...invoice.lines, ...cn.lines, ...extra.lines], invoice.lines);
    expect(d2.toCredit.map((l) => [l.description, l.quantity, l.unitCode, l.netAmount])).toEqual([
      ['Rerated: Dial-in, local number, zone SE', '10', 'MIN', '0.90'],
    ]);
    expect(d2.toInvoice.map((l) => [l.description, l.quantity, l.unitCode, l.netAmount])).toEqual([
      ['Price adjustment: Dial-out, zone US', '1', 'C62', '0.31'],
    ]);
    expect(d2.netDelta).toBe('-0.59');
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
    const d = rerateDelta(invoice.lines, invoice.lines.slice(0, 3));
    expect(d.toCredit.map((l) => [l.description, l.quantity, l.netAmount])).toEqual([
      ['Rerated: Web / VoIP', '60', '0.60'],
    ]);
    expect(d.netDelta).toBe('-0.60');
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
