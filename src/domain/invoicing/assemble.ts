/**
 * The last step of every invoice document (invoice, credit note, supplementary invoice): number the
 * lines, settle each line's VAT category, and compute the VAT breakdown and totals (./totals.ts).
 */
import { BoundedMemo } from '../bounded-memo';
import { DateTime } from 'luxon';
import { formatAmount, parseAmount } from '../money';
import type { DraftLine } from './usage-lines';
import { computeTotals, computeVatBreakdown, defaultVatCategory, normalizeVatRate } from './totals';
import type { InvoiceDraft, InvoiceLine, InvoiceLineInput, VatCategory } from './types';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Valid dates parsed so far (a DateTime is immutable): a close checks the same issue date for each
 * of its 10,000 invoices, and parsing it was a tenth of building them. Bounded: dates come from
 * clocks, a handful at a time.
 */
const checkedDates = new BoundedMemo<DateTime>(256);

/** A YYYY-MM-DD date; a RangeError names `what` otherwise (a caller's bug: dates come from clocks). */
export function checkIsoDate(date: string, what: string): DateTime {
  return checkedDates.get(date, () => {
    const d = DateTime.fromISO(date, { zone: 'UTC' });
    if (!ISO_DATE.test(date) || !d.isValid)
      throw new RangeError(`${what} must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
    return d;
  });
}

const ZERO_RATED: VatCategory[] = ['Z', 'E', 'AE', 'K', 'G', 'O'];

function finishLine(
  line: InvoiceLineInput | DraftLine,
  lineNo: number,
  category: VatCategory | undefined,
): InvoiceLine {
  const vatRate = normalizeVatRate(line.vatRate);
  const vatCategory = ('vatCategory' in line && line.vatCategory) || category || defaultVatCategory(vatRate);
  if (ZERO_RATED.includes(vatCategory) && !parseAmount(vatRate).isZero()) {
    throw new RangeError(
      `VAT category ${vatCategory} needs rate 0, line "${line.description}" has ${vatRate}`,
    );
  }
  const net = parseAmount(line.netAmount);
  if (net.decimalPlaces() > 2)
    throw new RangeError(`line net amount must have at most 2 decimals: ${line.netAmount}`);
  parseAmount(line.quantity);
  parseAmount(line.unitPrice);
  const finished: InvoiceLine = { ...line, lineNo, netAmount: formatAmount(net, 2), vatRate, vatCategory };
  // One spelling: a price per one unit has no base quantity.
  if (finished.baseQuantity !== undefined && parseAmount(finished.baseQuantity).equals(1))
    delete finished.baseQuantity;
  return finished;
}

/** The document from its header and lines: lines numbered from 1, VAT breakdown and totals. */
export function assembleDocument(
  base: Omit<InvoiceDraft, 'lines' | 'vatBreakdown' | 'totals'>,
  lines: readonly (InvoiceLineInput | DraftLine)[],
  category?: VatCategory,
): InvoiceDraft {
  const numbered = lines.map((l, i) => finishLine(l, i + 1, category));
  const vatBreakdown = computeVatBreakdown(numbered);
  return { ...base, lines: numbered, vatBreakdown, totals: computeTotals(numbered, vatBreakdown) };
}
