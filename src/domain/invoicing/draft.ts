/**
 * Invoice drafts and rerate deltas: pure functions from plain data to plain data (credit notes:
 * ./credit-note.ts).
 * Rounding and totals: see ./totals.ts (EN 16931 style; VAT per rate, rounded once per rate).
 * Amounts assume a currency with 2 minor units (SEK, EUR, USD, ...).
 */
import { BoundedMemo } from '../bounded-memo';
import { DateTime } from 'luxon';
import type { BillingPeriod } from '../periods/index';
import { Decimal, ZERO, formatAmount, parseAmount } from '../money';
import { periodPricingLines } from './period-pricing';
import type { PeriodPricingRules } from './period-pricing-rules';
import { discountOf, priceLine } from './line-price';
import { groupChargeLines, type LineGrouping, type LineNames } from './usage-lines';
import { normalizeVatRate } from './totals';
import { assembleDocument, checkIsoDate } from './assemble';
import type {
  BuyerParty,
  ChargeSummary,
  InvoiceDraft,
  InvoiceLine,
  InvoiceLineInput,
  InvoicePeriod,
  IssuedInvoiceDocument,
  SellerParty,
  VatCategory,
} from './types';

export interface InvoiceDraftInput {
  seller: SellerParty;
  buyer: BuyerParty;
  /** ISO 4217, the customer's currency; every charge must be in it. */
  currency: string;
  period: BillingPeriod;
  /** YYYY-MM-DD. */
  issueDate: string;
  /** Due date = issueDate + this many calendar days. */
  paymentTermsDays: number;
  charges: readonly ChargeSummary[];
  /** VAT rate in percent for charges and period lines without one, e.g. "25". */
  defaultVatRate: string;
  /**
   * VAT category for every line that does not set one; default S (standard) for a non-zero rate and Z
   * for zero. Use AE (reverse charge) with rate 0 for EU business customers in another member state.
   */
  vatCategory?: VatCategory;
  grouping?: LineGrouping;
  /** Display names of zones and access types from the rule files. */
  names?: LineNames;
  periodPricing?: PeriodPricingRules;
  /** Ready-made lines appended after the generated ones (rerate extra invoices, manual adjustments). */
  extraLines?: readonly InvoiceLineInput[];
  notes?: string[];
  precedingInvoiceNumber?: string;
  precedingInvoiceDate?: string;
  /** The document carries a call specification (see InvoiceDraft.callSpecification). */
  callSpecification?: boolean;
}

/**
 * Date arithmetic a close repeats for each of its invoices with the same few inputs (one issue
 * date, a few payment terms, one period end): computed once per input (luxon's parsing and
 * arithmetic were a third of building an invoice). Bounded, as the inputs come a handful at a time.
 */
const dueDates = new BoundedMemo<string>(256);
const lastDates = new BoundedMemo<string>(256);

/** issueDate + days, calendar days, YYYY-MM-DD. */
export function dueDateFor(issueDate: string, paymentTermsDays: number): string {
  if (!Number.isInteger(paymentTermsDays) || paymentTermsDays < 0)
    throw new RangeError(`bad payment terms: ${paymentTermsDays}`);
  return dueDates.get(`${issueDate}+${paymentTermsDays}`, () =>
    checkIsoDate(issueDate, 'issueDate').plus({ days: paymentTermsDays }).toISODate()!,
  );
}

export function invoicePeriodOf(period: BillingPeriod): InvoicePeriod {
  return {
    key: period.key,
    start: period.start.toISOString(),
    end: period.end.toISOString(),
    startDate: period.startDate,
    lastDate: lastDates.get(period.endDate, () =>
      DateTime.fromISO(period.endDate, { zone: 'UTC' }).minus({ days: 1 }).toISODate()!,
    ),
    timeZone: period.timeZone,
  };
}

/**
 * The draft invoice of one customer and period: usage lines, period-level pricing lines (included
 * minutes, volume tiers, minimum commitment), extra lines, VAT breakdown and totals.
 */
export function buildInvoiceDraft(input: InvoiceDraftInput): InvoiceDraft {
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new RangeError(`bad currency ${input.currency}`);
  checkIsoDate(input.issueDate, 'issueDate');
  const defaultVatRate = normalizeVatRate(input.defaultVatRate);
  const groupOptions = {
    currency: input.currency,
    defaultVatRate,
    periodKey: input.period.key,
    grouping: input.grouping ?? 'access_type_zone',
    ...(input.names ? { names: input.names } : {}),
  } as const;
  const usage = groupChargeLines(input.charges, groupOptions);
  const netSoFar = usage
    .filter((l) => l.servicePeriodKey === undefined)
    .reduce((s, l) => s.plus(parseAmount(l.netAmount)), ZERO);
  const period = input.periodPricing
    ? periodPricingLines(input.charges, input.periodPricing, {
        ...groupOptions,
        netSoFar: netSoFar.toFixed(),
      }).lines
    : [];
  const base: Omit<InvoiceDraft, 'lines' | 'vatBreakdown' | 'totals'> = {
    documentType: 'invoice',
    status: 'draft',
    currency: input.currency,
    seller: input.seller,
    buyer: input.buyer,
    period: invoicePeriodOf(input.period),
    issueDate: input.issueDate,
    dueDate: dueDateFor(input.issueDate, input.paymentTermsDays),
    paymentTermsDays: input.paymentTermsDays,
  };
  if (input.notes) base.notes = input.notes;
  if (input.precedingInvoiceNumber) base.precedingInvoiceNumber = input.precedingInvoiceNumber;
  if (input.precedingInvoiceDate) base.precedingInvoiceDate = input.precedingInvoiceDate;
  if (input.callSpecification) base.callSpecification = true;
  return assembleDocument(base, [...usage, ...period, ...(input.extraLines ?? [])], input.vatCategory);
}

export interface RerateDelta {
  /** Lines to pass to buildCreditNote (positive amounts; the credit note negates them). */
  toCredit: InvoiceLineInput[];
  /** Lines to pass as extraLines of an extra invoice (positive amounts). */
  toInvoice: InvoiceLineInput[];
  /** New net − old net (sum of rounded line nets), 2 decimals. */
  netDelta: string;
}

/** The prefix rerateDelta puts on correction lines (stripped before a new one is added). */
const CORRECTION_PREFIX = /^(Rerated|Price adjustment): /;

/** Lines of an amount (quantity 1 at whatever it comes to): their price is not what identifies them. */
const AMOUNT_LINES: readonly InvoiceLine['kind'][] = ['rounding', 'minimum_commitment', 'adjustment'];

/**
 * What makes two lines "the same line" across an invoice and its corrections: kind, access type,
 * zone, conference, service period, unit, VAT rate and category, the text of tier and surcharge
 * lines (which names the tier or feature), and for priced lines the unit price, base quantity and
 * discount.
 * A correction line issued by a rerate carries the key of the line it adjusts.
 */
export function invoiceLineKey(l: InvoiceLine | InvoiceLineInput): string {
  return (
    l.adjustsKey ??
    JSON.stringify([
      l.kind,
      l.accessType,
      l.zone,
      l.conferenceId,
      l.servicePeriodKey,
      l.unitCode,
      normalizeVatRate(l.vatRate),
      l.vatCategory ?? null,
      l.kind === 'volume_tier' || l.kind === 'surcharge' ? l.description : null,
      ...(AMOUNT_LINES.includes(l.kind)
        ? []
        : [
            parseAmount(l.unitPrice).toFixed(),
            parseAmount(l.baseQuantity ?? '1').toFixed(),
            l.allowance ? parseAmount(l.allowance.percent).toFixed() : null,
          ]),
    ])
  );
}

/**
 * What a rerate changes on an issued invoice. Lines are matched by (kind, access type, zone,
 * conference, service period, unit, VAT rate and category; description too for tier lines). For
 * each key, the difference of the rounded net amounts (new − old) goes to `toCredit` when negative and
 * to `toInvoice` when positive, as a line of the difference: the difference in quantity at the
 * line's own unit price and discount when that prices to exactly the difference in amount;
 * otherwise a price adjustment (kind "adjustment", quantity 1 at the amount, C62; it adds to its
 * line's amount, not its quantity). Either way quantity × unit price is the line's net amount.
 * Unchanged keys produce nothing.
 *
 * Note: the VAT of a credit note plus that of an extra invoice can differ by a cent from the
 * difference of the two invoices' VAT (each document rounds VAT per rate once). Where that matters,
 * credit the whole invoice and issue a new one instead.
 */
export function rerateDelta(
  oldLines: readonly (InvoiceLine | InvoiceLineInput)[],
  newLines: readonly (InvoiceLine | InvoiceLineInput)[],
): RerateDelta {
  type Acc = {
    sample: InvoiceLine | InvoiceLineInput;
    oldQ: Decimal;
    oldN: Decimal;
    newQ: Decimal;
    newN: Decimal;
  };
  const acc = new Map<string, Acc>();
  const add = (l: InvoiceLine | InvoiceLineInput, side: 'old' | 'new') => {
    const k = invoiceLineKey(l);
    const a = acc.get(k) ?? { sample: l, oldQ: ZERO, oldN: ZERO, newQ: ZERO, newN: ZERO };
    // A price adjustment (quantity 1, C62) changes the amount of its line, not its quantity.
    const quantity = l.kind === 'adjustment' ? ZERO : parseAmount(l.quantity);
    if (side === 'old') {
      a.oldQ = a.oldQ.plus(quantity);
      a.oldN = a.oldN.plus(parseAmount(l.netAmount));
    } else {
      a.sample = l;
      a.newQ = a.newQ.plus(quantity);
      a.newN = a.newN.plus(parseAmount(l.netAmount));
    }
    acc.set(k, a);
  };
  oldLines.forEach((l) => add(l, 'old'));
  newLines.forEach((l) => add(l, 'new'));
  const toCredit: InvoiceLineInput[] = [];
  const toInvoice: InvoiceLineInput[] = [];
  let total = ZERO;
  for (const [key, a] of acc) {
    const dN = a.newN.minus(a.oldN);
    total = total.plus(dN);
    if (dN.isZero()) continue;
    const dQ = a.newQ.minus(a.oldQ);
    const magnitude = dN.abs();
    const { lineNo: _ignored, ...sample } = a.sample as InvoiceLine;
    const repriced =
      !dQ.isZero() && dQ.isNegative() === dN.isNegative() && sample.kind !== 'adjustment'
        ? priceLine({
            quantity: dQ.abs(),
            unitPrice: sample.unitPrice,
            baseQuantity: sample.baseQuantity,
            discount: discountOf(sample),
          })
        : undefined;
    const byQuantity = repriced !== undefined && new Decimal(repriced.netAmount).equals(magnitude);
    const text = sample.description.replace(CORRECTION_PREFIX, '');
    const line: InvoiceLineInput = byQuantity
      ? {
          ...sample,
          description: `Rerated: ${text}`,
          quantity: dQ.abs().toFixed(),
          netAmount: formatAmount(magnitude, 2),
          adjustsKey: key,
        }
      : {
          ...sample,
          kind: 'adjustment',
          description: `Price adjustment: ${text}`,
          quantity: '1',
          unitCode: 'C62',
          unitPrice: formatAmount(magnitude, 2),
          baseQuantity: '1',
          netAmount: formatAmount(magnitude, 2),
          adjustsKey: key,
        };
    if (byQuantity && repriced.allowance) line.allowance = repriced.allowance;
    else if (!byQuantity) delete line.allowance;
    delete line.calls;
    (dN.isNegative() ? toCredit : toInvoice).push(line);
  }
  return { toCredit, toInvoice, netDelta: formatAmount(total, 2) };
}

/** The issued form of a draft once the database has assigned its number (the content is unchanged). */
export function issueDraft(draft: InvoiceDraft, number: string): IssuedInvoiceDocument {
  if (!number.trim()) throw new RangeError('an issued document needs a number');
  const { status: _draft, ...rest } = draft;
  return { ...rest, status: 'issued', number };
}
