/**
 * Issuing a draft: the next number of its series and year; retried with the same key, the same answer.
 * The issue date (the seller's today when absent) may not be after today, nor, for a period invoice,
 * before its period ended.
 * A draft credit note is checked again against what is still uncredited of its invoice, under that
 * invoice's lock: a rerate or another credit note may have credited the same lines since it was made.
 */
import { DateTime } from 'luxon';
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import { linesToCredit } from '../../domain/invoicing/credit-note';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { Decimal, ZERO } from '../../domain/money';
import type { RequestKey } from '../mutations';
import { checkInvoiceId, mustGetInvoice } from './invoice-lookup';
import { issueOptions, type IssueGuardSettings } from './issue-guard';
import type { InvoicingSettings } from './invoicing-settings';
import type { CreditedSoFar, InvoiceStore, InvoiceTx, StoredInvoice } from './ports';
import { todayIn } from './today';

export interface IssueInvoiceDeps {
  store: Pick<InvoiceStore, 'transaction' | 'getInvoices'>;
  settings: Pick<InvoicingSettings, 'invoiceSeries' | 'creditNoteSeries' | 'timeZone'> & IssueGuardSettings;
  now: () => Date;
}

export interface IssueInvoiceInput {
  key: RequestKey;
  invoiceId: string;
  /** YYYY-MM-DD; the seller's today when absent. */
  issueDate?: string | undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function issueInvoice(deps: IssueInvoiceDeps, input: IssueInvoiceInput): Promise<StoredInvoice> {
  const { invoiceId, issueDate } = input;
  checkInvoiceId(invoiceId, 'invoice_id');
  if (issueDate && !validDate(issueDate))
    throw new ValidationError([{ field: 'issue_date', reason: 'must be YYYY-MM-DD' }]);
  const today = todayIn(deps.settings.timeZone, deps.now());
  if (issueDate && issueDate > today)
    throw new ValidationError([
      {
        field: 'issue_date',
        reason: `${issueDate} is after today (${today}): a document is dated when it is issued`,
      },
    ]);
  const date = issueDate || today;
  const options = { ...(await issueOptions(deps.settings, date)), backdated: date < today };
  const id = await deps.store.transaction((tx) =>
    tx.once(input.key, async () => {
      const invoice = await tx.lockInvoice(invoiceId);
      if (!invoice) throw new NotFoundError(`no invoice with id ${invoiceId}`);
      if (invoice.status === 'ISSUED')
        throw new FailedPreconditionError(`invoice ${invoiceId} is already issued as ${invoice.number}`);
      if (invoice.kind === 'INVOICE' && !invoice.supplementsInvoiceId)
        checkPeriodEnded(invoice, date, deps.settings.timeZone);
      if (invoice.kind === 'CREDIT_NOTE') await checkStillCreditable(tx, invoice);
      const series =
        invoice.kind === 'INVOICE' ? deps.settings.invoiceSeries : deps.settings.creditNoteSeries;
      await tx.issue([invoice.id], { ...options, series });
      return invoice.id;
    }),
  );
  return mustGetInvoice(deps.store, id);
}

/** A period invoice is dated on or after the day its period ended (its exclusive end, in the seller's zone). */
function checkPeriodEnded(invoice: StoredInvoice, date: string, timeZone: string): void {
  const ended = DateTime.fromJSDate(invoice.periodEnd, { zone: timeZone }).toISODate()!;
  if (date < ended)
    throw new ValidationError([
      {
        field: 'issue_date',
        reason: `${date} is before the billing period ${invoice.periodKey} ended (${ended}): an invoice is dated after the period it bills`,
      },
    ]);
}

/**
 * Under the credited invoice's lock (the lock CreateCreditNote and a rerate take before they credit
 * it), the draft credit note must still fit: on each line it credits, what the other credit notes
 * (issued or draft) left uncredited, by quantity (linesToCredit, the check CreateCreditNote made) and
 * by amount; and in all, what is still billed on the invoice.
 */
async function checkStillCreditable(tx: InvoiceTx, note: StoredInvoice): Promise<void> {
  const invoice = await tx.lockInvoice(note.creditedInvoiceId!);
  if (!invoice) throw new NotFoundError(`no invoice with id ${note.creditedInvoiceId}`);
  const document = invoice.document as IssuedInvoiceDocument;
  const others = withoutNote(await tx.creditedSoFar(invoice.id), note);
  const refuse = (lineNo: number | undefined, why: string) =>
    new FailedPreconditionError(
      `credit note ${note.id} cannot be issued: ${lineNo ? `line ${lineNo} of ` : ''}invoice ${invoice.number} ${why}; ` +
        'it was credited since the credit note was made (by a rerate or another credit note)',
    );
  let credited = ZERO;
  for (const [lineNo, own] of ownCredits(note)) {
    credited = credited.minus(own.net);
    const line = document.lines.find((l) => l.lineNo === lineNo);
    if (!line) throw refuse(lineNo, 'does not exist');
    const lineNet = new Decimal(line.netAmount);
    // A negative line (included minutes) is credited only by a full credit, which linesToCredit
    // refuses to name line by line: its amount is checked below, like every line's.
    if (!lineNet.isNegative()) {
      try {
        linesToCredit(document, others, [{ lineNumber: lineNo, quantity: own.quantity.abs().toFixed() }]);
      } catch (error) {
        if (!(error instanceof FailedPreconditionError)) throw error;
        throw refuse(lineNo, `has less left to credit: ${error.message}`);
      }
    }
    const left = lineNet.plus(others.get(lineNo)?.netAmount ?? '0');
    const after = left.plus(own.net);
    if (lineNet.isNegative() ? after.greaterThan(0) : after.isNegative())
      throw refuse(lineNo, `has ${left.toFixed(2)} left to credit, not ${own.net.negated().toFixed(2)}`);
  }
  const netTotal = new Decimal(document.totals.netTotal);
  const stillBilled = [...others.values()].reduce((s, c) => s.plus(c.netAmount), netTotal);
  if (netTotal.greaterThanOrEqualTo(0) && credited.greaterThan(stillBilled))
    throw refuse(undefined, `has ${stillBilled.toFixed(2)} still billed, not ${credited.toFixed(2)}`);
}

/** What the draft credits per invoice line (negative nets; a price adjustment credits no quantity). */
function ownCredits(note: StoredInvoice): Map<number, { net: Decimal; quantity: Decimal }> {
  const own = new Map<number, { net: Decimal; quantity: Decimal }>();
  note.document.lines.forEach((l, i) => {
    const lineNo = note.creditedLineNos[i];
    if (lineNo === undefined) return;
    const sum = own.get(lineNo) ?? { net: ZERO, quantity: ZERO };
    own.set(lineNo, {
      net: sum.net.plus(l.netAmount),
      quantity: l.kind === 'adjustment' ? sum.quantity : sum.quantity.plus(l.quantity),
    });
  });
  return own;
}

/** The credits of the invoice's other credit notes: creditedSoFar counts this draft too. */
function withoutNote(all: CreditedSoFar, note: StoredInvoice): CreditedSoFar {
  const others = new Map(all);
  for (const [lineNo, own] of ownCredits(note)) {
    const sum = all.get(lineNo);
    if (!sum) continue;
    others.set(lineNo, {
      netAmount: new Decimal(sum.netAmount).minus(own.net).toFixed(),
      quantity: new Decimal(sum.quantity).minus(own.quantity).toFixed(),
    });
  }
  return others;
}

function validDate(date: string): boolean {
  return ISO_DATE.test(date) && DateTime.fromISO(date, { zone: 'UTC' }).isValid;
}
