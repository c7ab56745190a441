/**
 * Credit notes: which amounts of an issued invoice's lines a credit note takes back, and the credit
 * note document itself (negative quantities and amounts, its own VAT breakdown and totals).
 */
import { FailedPreconditionError, ValidationError } from '../errors';
import { Decimal, formatAmount, parseAmount, ZERO } from '../money';
import { assembleDocument, checkIsoDate } from './assemble';
import { discountOf, priceLine } from './line-price';
import type { InvoiceDraft, InvoiceLine, InvoiceLineInput, IssuedInvoiceDocument } from './types';

export interface CreditNoteOptions {
  reason: string;
  /**
   * Lines to credit, with the amounts as they appear (or would appear) on an invoice: the credit note
   * negates them. All of the invoice's lines when absent (a full credit).
   */
  lines?: readonly (InvoiceLine | InvoiceLineInput)[];
  /** YYYY-MM-DD, the seller's "today" from the caller's clock (the domain never reads one). */
  issueDate: string;
  notes?: string[];
  /**
   * Net billed so far for the invoice (its own, plus supplementary invoices, minus credit notes); the
   * credit may not exceed it. The invoice's own net when absent.
   */
  billedNet?: string;
}

function negate(text: string): string {
  const d = parseAmount(text);
  return d.isZero() ? text.replace(/^-/, '') : d.negated().toFixed();
}

/**
 * A credit note correcting an issued invoice: negative quantities and amounts (unit prices stay
 * positive), its own VAT breakdown and totals by the same rules, and a reference to the invoice's
 * number. A full credit negates every total of the invoice exactly.
 */
export function buildCreditNote(invoice: IssuedInvoiceDocument, options: CreditNoteOptions): InvoiceDraft {
  if (invoice.documentType !== 'invoice')
    throw new FailedPreconditionError('only an invoice can be credited, not a credit note');
  if (!options.reason.trim())
    throw new ValidationError([{ field: 'reason', reason: 'required: printed on the credit note' }]);
  const issueDate = options.issueDate;
  checkIsoDate(issueDate, 'issueDate');
  const source = options.lines ?? invoice.lines;
  const lines = source.map((l) => {
    const { lineNo: _ignored, ...rest } = l as InvoiceLine;
    const line: InvoiceLineInput = { ...rest, quantity: negate(l.quantity), netAmount: negate(l.netAmount) };
    if (l.allowance)
      line.allowance = {
        ...l.allowance,
        // Amounts keep their 2 decimals ("-0.50", not "-0.5"), as on the invoice.
        baseAmount: formatAmount(parseAmount(negate(l.allowance.baseAmount)), 2),
        amount: formatAmount(parseAmount(negate(l.allowance.amount)), 2),
      };
    return line;
  });
  const credited = lines.reduce((s, l) => s.plus(parseAmount(l.netAmount)), ZERO).negated();
  const invoiced = parseAmount(options.billedNet ?? invoice.totals.netTotal);
  if (invoiced.greaterThanOrEqualTo(0) && credited.greaterThan(invoiced)) {
    throw new FailedPreconditionError(
      `credit of ${credited.toFixed(2)} exceeds the net ${invoiced.toFixed(2)} billed for invoice ${invoice.number}`,
    );
  }
  const base: Omit<InvoiceDraft, 'lines' | 'vatBreakdown' | 'totals'> = {
    documentType: 'credit_note',
    status: 'draft',
    currency: invoice.currency,
    seller: invoice.seller,
    buyer: invoice.buyer,
    period: invoice.period,
    issueDate,
    dueDate: issueDate,
    paymentTermsDays: 0,
    precedingInvoiceNumber: invoice.number,
    precedingInvoiceDate: invoice.issueDate,
    reason: options.reason,
  };
  if (options.notes) base.notes = options.notes;
  return assembleDocument(base, lines);
}

/** Amount already credited per invoice line (sums over the credit notes of an invoice; negative). */
export type CreditedSoFar = ReadonlyMap<number, { netAmount: string; quantity: string }>;

/** One line of a credit request: an invoice line number, and a part of its quantity (all when absent). */
export interface LineToCredit {
  lineNumber: number;
  quantity?: string;
}

/** A line for buildCreditNote, and the invoice line it credits. */
export interface CreditedLine {
  input: InvoiceLineInput;
  lineNo: number;
}

/**
 * What remains of a line (`quantity`, `net`) as a line to credit. Its allowance is that of the
 * remaining quantity, not the whole line's (which a part credited before has reduced): priced like
 * the line when that comes to exactly `net`; otherwise (a cent of rounding between the parts) the
 * allowance of the remaining quantity over the base amount that `net` implies, so that the
 * allowance still says base amount − allowance = net amount.
 */
function withAmount(line: InvoiceLine, quantity: Decimal, net: Decimal): InvoiceLineInput {
  const input: InvoiceLineInput = { ...line, quantity: quantity.toFixed(), netAmount: formatAmount(net, 2) };
  delete input.allowance;
  if (!line.allowance) return input;
  const priced = priceLine({
    quantity,
    unitPrice: line.unitPrice,
    baseQuantity: line.baseQuantity,
    discount: discountOf(line),
  });
  if (!priced.allowance) return input;
  input.allowance = new Decimal(priced.netAmount).equals(net)
    ? priced.allowance
    : {
        ...priced.allowance,
        baseAmount: formatAmount(net.plus(priced.allowance.amount), 2),
      };
  return input;
}

/**
 * What a credit note takes back of an invoice: with no lines requested, what remains uncredited of
 * every line; otherwise the requested lines, a part of a line's quantity priced pro rata. Refuses a
 * line the invoice does not have, a line with a negative net amount (crediting it would charge the
 * customer), and more than remains uncredited.
 */
export function linesToCredit(
  invoice: IssuedInvoiceDocument,
  credited: CreditedSoFar,
  requested: readonly LineToCredit[],
): CreditedLine[] {
  const lines = invoice.lines;
  const chosen: CreditedLine[] = [];
  const remaining = (lineNo: number) => {
    const line = lines.find((l) => l.lineNo === lineNo)!;
    const done = credited.get(lineNo);
    // Credit note amounts are negated: what remains = invoiced + credited (credited < 0 for positive lines).
    return {
      line,
      net: new Decimal(line.netAmount).plus(done?.netAmount ?? '0'),
      quantity: new Decimal(line.quantity).plus(done?.quantity ?? '0'),
    };
  };
  if (!requested.length) {
    for (const line of lines) {
      const r = remaining(line.lineNo);
      if (r.net.isZero()) continue;
      chosen.push({ input: withAmount(line, r.quantity, r.net), lineNo: line.lineNo });
    }
    if (!chosen.length)
      throw new FailedPreconditionError(`invoice ${invoice.number} is already fully credited`);
    return chosen;
  }
  for (const [i, want] of requested.entries()) {
    if (!lines.some((l) => l.lineNo === want.lineNumber)) {
      throw new ValidationError([
        {
          field: `lines[${i}].line_number`,
          reason: `invoice ${invoice.number} has no line ${want.lineNumber}`,
        },
      ]);
    }
    const r = remaining(want.lineNumber);
    // Crediting a negative line (included minutes, a rounding of -0.01) alone would charge the
    // customer under the credit-note series. A full credit (no lines named) still negates such
    // lines, since its total is a credit.
    if (new Decimal(r.line.netAmount).isNegative()) {
      throw new ValidationError([
        {
          field: `lines[${i}].line_number`,
          reason: `line ${want.lineNumber} has a negative net amount (${r.line.netAmount}) and cannot be credited; credit the whole invoice instead`,
        },
      ]);
    }
    const lineQty = new Decimal(r.line.quantity).abs();
    const left = r.quantity.abs();
    const q = want.quantity ? new Decimal(want.quantity) : left;
    // Nothing remains once the line's net is credited (below zero only after an over-credit by the
    // rounding of earlier parts), even if some of its units were not.
    if (!r.net.greaterThan(0)) {
      throw new FailedPreconditionError(`line ${want.lineNumber}: nothing remains uncredited`);
    }
    if (q.greaterThan(left)) {
      throw new FailedPreconditionError(
        `line ${want.lineNumber}: crediting ${q.toFixed()} but only ${left.toFixed()} remains uncredited`,
      );
    }
    const sign = new Decimal(r.line.quantity).isNegative() ? -1 : 1;
    // A part of a line is priced like the line (quantity × unit price, less its discount), each
    // amount rounded to the cent with ROUND_HALF_UP (src/domain/money.ts). Parts rounded up on their
    // own can add up to more than the line (5 then 15 of 21 units at 0.001: 0.01 + 0.02 on a 0.02
    // line), so a part is capped at what remains of the line's net, and the last uncredited units
    // are credited at exactly that remainder: the parts of a line add up to its net, never more.
    if (q.equals(left) || lineQty.isZero()) {
      chosen.push({ input: withAmount(r.line, q.times(sign), r.net), lineNo: want.lineNumber });
      continue;
    }
    const part = priceLine({
      quantity: q.times(sign),
      unitPrice: r.line.unitPrice,
      baseQuantity: r.line.baseQuantity,
      discount: discountOf(r.line),
    });
    if (new Decimal(part.netAmount).greaterThan(r.net)) {
      chosen.push({ input: withAmount(r.line, q.times(sign), r.net), lineNo: want.lineNumber });
      continue;
    }
    const input: InvoiceLineInput = {
      ...r.line,
      quantity: q.times(sign).toFixed(),
      netAmount: part.netAmount,
    };
    if (part.allowance) input.allowance = part.allowance;
    else delete input.allowance;
    chosen.push({ input, lineNo: want.lineNumber });
  }
  return chosen;
}
