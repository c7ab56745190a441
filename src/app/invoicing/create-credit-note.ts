/**
 * A credit note for an issued invoice: the whole remaining amount, or the given lines (optionally a
 * part of a line's quantity, priced pro rata; src/domain/invoicing/credit-note.ts). Credit notes have
 * their own series (CN-YYYY-NNNNNN).
 */
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import { buildCreditNote, linesToCredit, type LineToCredit } from '../../domain/invoicing/credit-note';
import type { IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { Decimal, isDecimalText } from '../../domain/money';
import type { RequestKey } from '../mutations';
import { mustGetInvoice, resolveInvoiceId } from './invoice-lookup';
import { issueOptions, type IssueGuardSettings } from './issue-guard';
import type { InvoicingSettings } from './invoicing-settings';
import type { InvoiceStore, StoredInvoice } from './ports';
import { todayIn } from './today';

export interface CreateCreditNoteDeps {
  store: Pick<InvoiceStore, 'transaction' | 'getInvoices' | 'findInvoiceId'>;
  settings: Pick<InvoicingSettings, 'creditNoteSeries' | 'timeZone'> & IssueGuardSettings;
  now: () => Date;
}

export interface CreateCreditNoteInput {
  key: RequestKey;
  invoiceId?: string;
  invoiceNumber?: string;
  reason: string;
  /** Lines to credit; the whole (remaining) invoice when empty. */
  lines: LineToCredit[];
  issue: boolean;
}

export async function createCreditNote(
  deps: CreateCreditNoteDeps,
  input: CreateCreditNoteInput,
): Promise<StoredInvoice> {
  checkRequest(input);
  const invoiceId = await resolveInvoiceId(deps.store, { id: input.invoiceId, number: input.invoiceNumber });
  const issueDate = todayIn(deps.settings.timeZone, deps.now());
  const series = deps.settings.creditNoteSeries;
  const options = input.issue ? await issueOptions(deps.settings, issueDate) : undefined;
  const id = await deps.store.transaction((tx) =>
    tx.once(input.key, async () => {
      const invoice = await tx.lockInvoice(invoiceId);
      if (!invoice) throw new NotFoundError(`no invoice with id ${invoiceId}`);
      if (invoice.kind !== 'INVOICE')
        throw new FailedPreconditionError('only an invoice can be credited, not a credit note');
      if (invoice.status !== 'ISSUED')
        throw new FailedPreconditionError(
          `invoice ${invoiceId} is a draft; only issued invoices are credited (a draft can be rebuilt)`,
        );
      const document = invoice.document as IssuedInvoiceDocument;
      const chosen = linesToCredit(document, await tx.creditedSoFar(invoice.id), input.lines);
      const draft = buildCreditNote(document, {
        reason: input.reason,
        lines: chosen.map((c) => c.input),
        issueDate,
      });
      const noteId = await tx.insertCreditNote({
        invoice,
        draft,
        series,
        reason: input.reason,
        creditedLineNos: chosen.map((c) => c.lineNo),
      });
      if (options) await tx.issue([noteId], { ...options, series });
      return noteId;
    }),
  );
  return mustGetInvoice(deps.store, id);
}

function checkRequest(input: CreateCreditNoteInput): void {
  if (!input.reason.trim())
    throw new ValidationError([{ field: 'reason', reason: 'required: printed on the credit note' }]);
  input.lines.forEach((l, i) => {
    if (!Number.isInteger(l.lineNumber) || l.lineNumber < 1)
      throw new ValidationError([
        { field: `lines[${i}].line_number`, reason: 'must be a line number from 1' },
      ]);
    if (l.quantity && (!isDecimalText(l.quantity) || !new Decimal(l.quantity).greaterThan(0))) {
      throw new ValidationError([
        { field: `lines[${i}].quantity`, reason: 'must be a positive decimal, or empty for the whole line' },
      ]);
    }
  });
  if (new Set(input.lines.map((l) => l.lineNumber)).size !== input.lines.length)
    throw new ValidationError([{ field: 'lines', reason: 'each line_number at most once' }]);
}
