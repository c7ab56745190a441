/** InvoiceService: a thin shell over the invoicing use cases (src/app/invoicing, src/app/bookkeeping). */
import type { BookkeepingUseCases } from '../../../app/bookkeeping/bookkeeping-use-cases';
import type { CloseResult } from '../../../app/invoicing/close-period';
import type { InvoicingUseCases, ReratingUseCases } from '../../../app/invoicing/invoicing-use-cases';
import type { MailingListUseCases } from '../../../app/invoicing/mailing-list';
import type { DocumentFormat as RenderFormat } from '../../../app/invoicing/render-invoice-document';
import { onceAcross, requestKey, type RequestLedger } from '../../../app/mutations';
import { pageSize } from '../../../app/paging';
import { ValidationError } from '../../../domain/errors';
import {
  BookkeepingFormat,
  DocumentFormat,
  InvoiceServiceDefinition,
  type InvoiceServiceImplementation,
} from '../../../gen/billing/v1/invoice_service';
import { bindService, type ServiceBinding } from '../grpc-server';
import { accessTypeToProto } from '../mappers/cdr-mapper';
import { invoiceFilterFromProto, invoiceToProto } from '../mappers/invoice-mapper';
import { unimplementedMethods } from '../unimplemented';

/** RenderInvoiceDocument's formats; unset is PDF. */
const DOCUMENT_FORMATS = new Map<DocumentFormat, RenderFormat>([
  [DocumentFormat.DOCUMENT_FORMAT_UNSPECIFIED, 'pdf'],
  [DocumentFormat.DOCUMENT_FORMAT_PDF, 'pdf'],
  [DocumentFormat.DOCUMENT_FORMAT_UBL, 'ubl'],
]);

export interface InvoiceServiceDeps {
  invoicing: InvoicingUseCases;
  rerating: ReratingUseCases;
  /**
   * Keeps CloseBillingPeriod's request ids (the other mutations keep theirs in their own
   * transaction). Without it a reused request id is not detected there.
   */
  requests?: RequestLedger;
  /** The SIE export (ExportBookkeeping); without it that RPC answers UNIMPLEMENTED. */
  bookkeeping?: BookkeepingUseCases;
  /** The month's mailing list (GetMailingList); without it that RPC answers UNIMPLEMENTED. */
  mailing?: MailingListUseCases;
}

/**
 * What a close answers, as its request key keeps it: the invoice ids and the skipped customers. A
 * retry answers those invoices as they are now (an invoice issued since is shown issued), as a
 * retried IssueInvoice does.
 */
function closeResultCodec(invoicing: Pick<InvoicingUseCases, 'getInvoice'>) {
  return {
    encode: (r: CloseResult) => ({ invoiceIds: r.invoices.map((i) => i.id), skipped: r.skipped }),
    decode: async (stored: unknown): Promise<CloseResult> => {
      const s = stored as { invoiceIds: string[]; skipped: CloseResult['skipped'] };
      const invoices = [];
      // One at a time: only a retry pays this, and the embedded database has a single connection.
      for (const id of s.invoiceIds) invoices.push(await invoicing.getInvoice({ id }));
      return { invoices, skipped: s.skipped };
    },
  };
}

export function invoiceService(deps: InvoiceServiceDeps): ServiceBinding {
  const { invoicing, rerating, requests, bookkeeping, mailing } = deps;
  const implemented: Partial<InvoiceServiceImplementation> = {
    async getInvoice(request) {
      if (!request.invoiceId && !request.invoiceNumber) {
        throw new ValidationError([
          { field: 'key', reason: 'one of invoice_id or invoice_number is required' },
        ]);
      }
      const invoice = await invoicing.getInvoice(
        request.invoiceId ? { id: request.invoiceId } : { number: request.invoiceNumber },
      );
      return { invoice: invoiceToProto(invoice) };
    },
    async listInvoices(request) {
      const page = await invoicing.listInvoices({
        filter: invoiceFilterFromProto(request),
        pageSize: pageSize(request.pageSize),
        pageToken: request.pageToken || undefined,
      });
      return { invoices: page.invoices.map(invoiceToProto), nextPageToken: page.nextPageToken };
    },
    async getRunningCharges(request) {
      const r = await invoicing.getRunningCharges({
        customerAccount: request.customerAccount,
        asOf: request.asOf,
      });
      return {
        customerAccount: r.customerAccount,
        periodStart: r.period.start,
        periodEnd: r.period.end,
        asOf: r.asOf,
        totals: r.totals.map((t) => ({ currencyCode: t.currency, amount: t.amount })),
        breakdown: r.breakdown.map((b) => ({
          accessType: accessTypeToProto(b.accessType),
          zone: b.zone,
          minutes: b.minutes,
          calls: b.calls,
          amount: { currencyCode: b.currency, amount: b.amount },
        })),
        unratedCount: r.unratedCount,
      };
    },
    async closeBillingPeriod(request) {
      // Closing is idempotent by itself (one invoice per customer and period) but commits per chunk
      // of customers, so its request key lives beside it (RequestLedger), not in its transactions.
      const key = requestKey('InvoiceService.CloseBillingPeriod', request.requestId, request);
      if (!request.periodContaining && !request.periodStart) {
        throw new ValidationError([
          { field: 'period', reason: 'one of period_containing or period_start is required' },
        ]);
      }
      const close = () =>
        invoicing.closePeriod({
          ...(request.customerAccount ? { customerAccount: request.customerAccount } : {}),
          ...(request.periodContaining
            ? { periodContaining: request.periodContaining }
            : { periodStart: request.periodStart }),
          issue: request.issue,
        });
      const result = requests
        ? await onceAcross(requests, key, close, closeResultCodec(invoicing))
        : await close();
      return {
        invoices: result.invoices.map(invoiceToProto),
        skipped: result.skipped.map((s) => ({ customerAccount: s.customerAccount, reason: s.reason })),
      };
    },
    async issueInvoice(request) {
      const key = requestKey('InvoiceService.IssueInvoice', request.requestId, request);
      if (!request.invoiceId) throw new ValidationError([{ field: 'invoice_id', reason: 'required' }]);
      return {
        invoice: invoiceToProto(
          await invoicing.issueInvoice({
            key,
            invoiceId: request.invoiceId,
            issueDate: request.issueDate || undefined,
          }),
        ),
      };
    },
    async createCreditNote(request) {
      const key = requestKey('InvoiceService.CreateCreditNote', request.requestId, request);
      if (!request.invoiceId && !request.invoiceNumber) {
        throw new ValidationError([
          { field: 'invoice', reason: 'one of invoice_id or invoice_number is required' },
        ]);
      }
      const note = await invoicing.createCreditNote({
        key,
        ...(request.invoiceId ? { invoiceId: request.invoiceId } : { invoiceNumber: request.invoiceNumber }),
        reason: request.reason,
        lines: request.lines.map((l) => ({
          lineNumber: l.lineNumber,
          ...(l.quantity ? { quantity: l.quantity } : {}),
        })),
        issue: request.issue,
      });
      return { creditNote: invoiceToProto(note) };
    },
    async rerateCharges(request) {
      const key = requestKey('InvoiceService.RerateCharges', request.requestId, request);
      const r = await rerating.rerateCharges({
        key,
        customerAccount: request.customerAccount,
        from: request.period?.startTime,
        to: request.period?.endTime,
        ...(request.ruleSetHash ? { ruleSetHash: request.ruleSetHash } : {}),
        ...(request.reason ? { reason: request.reason } : {}),
      });
      const money = (m: { currency: string; amount: string }) => ({
        currencyCode: m.currency,
        amount: m.amount,
      });
      return {
        reratedCount: r.reratedCount,
        changedCount: r.changedCount,
        newlyRatedCount: r.newlyRatedCount,
        invoicedChangedCount: r.invoicedChangedCount,
        oldTotals: r.oldTotals.map(money),
        newTotals: r.newTotals.map(money),
        rebuiltInvoiceIds: r.rebuiltInvoiceIds,
        corrections: r.corrections.map(invoiceToProto),
      };
    },
    async renderInvoiceDocument(request) {
      if (!request.invoiceId) throw new ValidationError([{ field: 'invoice_id', reason: 'required' }]);
      const format = DOCUMENT_FORMATS.get(request.format);
      if (!format) throw new ValidationError([{ field: 'format', reason: 'PDF or UBL' }]);
      return invoicing.renderInvoiceDocument({ invoiceId: request.invoiceId, format });
    },
    ...(bookkeeping
      ? {
          async exportBookkeeping(request) {
            if (!request.period)
              throw new ValidationError([{ field: 'period', reason: 'required (YYYY-MM)' }]);
            if (
              request.format !== BookkeepingFormat.BOOKKEEPING_FORMAT_UNSPECIFIED &&
              request.format !== BookkeepingFormat.BOOKKEEPING_FORMAT_SIE4
            ) {
              throw new ValidationError([{ field: 'format', reason: 'only SIE 4 is supported' }]);
            }
            const file = await bookkeeping.exportBookkeeping({ period: request.period });
            return { content: file.content, contentType: file.contentType, fileName: file.fileName };
          },
        }
      : {}),
    ...(mailing
      ? {
          async getMailingList(request) {
            if (!request.period)
              throw new ValidationError([{ field: 'period', reason: 'required (YYYY-MM)' }]);
            const list = await mailing.getMailingList({ period: request.period });
            return {
              entries: list.entries.map((e) => ({
                externalId: e.externalId,
                name: e.name,
                email: e.email,
                addressLines: e.addressLines,
                postalCode: e.postalCode,
                city: e.city,
                countryCode: e.countryCode,
              })),
              content: Buffer.from(list.content),
              contentType: list.contentType,
              fileName: list.fileName,
            };
          },
        }
      : {}),
  };
  return bindService(InvoiceServiceDefinition, {
    ...unimplementedMethods(InvoiceServiceDefinition),
    ...implemented,
  });
}
