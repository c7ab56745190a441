/**
 * The invoicing use cases bound to their dependencies, as the composition root hands them to the
 * gRPC services, the command line and the scheduler (src/compose/invoicing.ts builds them).
 */
import type { CloseDuePeriodsInput, DueCloseReport } from './close-due-periods';
import type { ClosePeriodInput, CloseResult } from './close-period';
import type { CreateCreditNoteInput } from './create-credit-note';
import type { IssueInvoiceInput } from './issue-invoice';
import type { ListInvoicesInput } from './list-invoices';
import type { StoredInvoice } from './ports';
import type { DocumentFormat, RenderedDocument } from './render-invoice-document';
import type { RerateRequest, RerateResult } from './rerate-charges';
import type { RunningCharges, RunningChargesInput } from './running-charges';

export interface InvoicingUseCases {
  closePeriod(input: ClosePeriodInput): Promise<CloseResult>;
  closeDuePeriods(input: CloseDuePeriodsInput): Promise<DueCloseReport>;
  issueInvoice(input: IssueInvoiceInput): Promise<StoredInvoice>;
  createCreditNote(input: CreateCreditNoteInput): Promise<StoredInvoice>;
  getInvoice(input: { id?: string; number?: string }): Promise<StoredInvoice>;
  listInvoices(input: ListInvoicesInput): Promise<{ invoices: StoredInvoice[]; nextPageToken: string }>;
  getRunningCharges(input: RunningChargesInput): Promise<RunningCharges>;
  renderInvoiceDocument(input: { invoiceId: string; format?: DocumentFormat }): Promise<RenderedDocument>;
}

export interface ReratingUseCases {
  rerateCharges(input: RerateRequest): Promise<RerateResult>;
}
