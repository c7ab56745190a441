/** Issuing a draft: the next number of its series and year; retried with the same key, the same answer. */
import { DateTime } from 'luxon';
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import type { RequestKey } from '../mutations';
import { checkInvoiceId, mustGetInvoice } from './invoice-lookup';
import { issueOptions, type IssueGuardSettings } from './issue-guard';
import type { InvoicingSettings } from './invoicing-settings';
import type { InvoiceStore, StoredInvoice } from './ports';
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
  const date = issueDate || todayIn(deps.settings.timeZone, deps.now());
  const options = await issueOptions(deps.settings, date);
  const id = await deps.store.transaction((tx) =>
    tx.once(input.key, async () => {
      const invoice = await tx.lockInvoice(invoiceId);
      if (!invoice) throw new NotFoundError(`no invoice with id ${invoiceId}`);
      if (invoice.status === 'ISSUED')
        throw new FailedPreconditionError(`invoice ${invoiceId} is already issued as ${invoice.number}`);
      const series =
        invoice.kind === 'INVOICE' ? deps.settings.invoiceSeries : deps.settings.creditNoteSeries;
      await tx.issue([invoice.id], { ...options, series });
      return invoice.id;
    }),
  );
  return mustGetInvoice(deps.store, id);
}

function validDate(date: string): boolean {
  return ISO_DATE.test(date) && DateTime.fromISO(date, { zone: 'UTC' }).isValid;
}
