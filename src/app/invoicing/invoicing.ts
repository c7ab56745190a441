/**
 * The invoicing use cases: close billing periods into invoices (on demand and on schedule), issue
 * them, correct them with credit notes, read them, render them, and a customer's running charges.
 * Rules live in the pure domain; correctness under concurrency lives in the store (database keys
 * and row locks); this layer decides what to do and validates requests.
 */
import { DateTime } from 'luxon';
import type { InvoicingConfig } from '../../config/invoicing-config';
import { renderInvoicePdf } from '../../documents/invoice-pdf';
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import { buildCreditNote, issueDraft } from '../../domain/invoicing/draft';
import type {
  BuyerParty,
  InvoiceLineInput,
  IssuedInvoiceDocument,
  SellerParty,
} from '../../domain/invoicing/types';
import { Decimal, formatAmount, isDecimalText, ZERO } from '../../domain/money';
import { nextPeriod, periodContaining, type BillingPeriod } from '../../domain/periods/index';
import type { RequestKey } from '../mutations';
import { quoteForMessage } from '../quote-value';
import { decodePageToken, encodePageToken } from '../paging';
import { buildPeriodInvoice, minutesOf, periodOptionsAt, type PeriodPricingSource } from './build';
import type {
  BillingCustomer,
  BuildDecision,
  ChargeGroup,
  CloseOutcome,
  CloseTarget,
  InvoiceFilter,
  InvoiceStore,
  StoredInvoice,
} from './ports';

export interface InvoicingDeps {
  store: InvoiceStore;
  config: InvoicingConfig;
  /** Period pricing (tiers, included minutes, minimum commitment) from the live rule files. */
  periodPricing?: PeriodPricingSource;
  /** The clock's "now" (src/app/clock.ts). */
  now: () => Date;
}

export interface BuildOptions {
  periodPricing?: PeriodPricingSource;
  seller?: SellerParty;
  buyer?: BuyerParty;
}

export interface CloseRequest {
  /** One customer; all customers when absent. */
  customerAccount?: string;
  /** The period containing this instant (per customer), or the one starting exactly at periodStart. */
  periodContaining?: Date;
  periodStart?: Date;
  issue?: boolean;
}

export interface CloseResult {
  invoices: StoredInvoice[];
  skipped: { customerAccount: string; reason: string }[];
}

export interface DueCloseReport {
  periodsClosed: number;
  invoicesCreated: number;
  skipped: { customerAccount: string; periodKey: string; reason: string }[];
}

export interface CreditRequest {
  key: RequestKey;
  invoiceId?: string;
  invoiceNumber?: string;
  reason: string;
  /** Lines to credit; the whole (remaining) invoice when empty. */
  lines: { lineNumber: number; quantity?: string }[];
  issue: boolean;
}

export interface RunningCharges {
  customerAccount: string;
  period: BillingPeriod;
  asOf: Date;
  totals: { currency: string; amount: string }[];
  breakdown: {
    accessType: string;
    zone: string;
    minutes: string;
    calls: number;
    currency: string;
    amount: string;
  }[];
  unratedCount: number;
}

/** Customers per closing transaction. */
const CLOSE_CHUNK = 1000;
/** At most this many periods per customer in one scheduler run (a long outage catches up over runs). */
const MAX_PERIODS_PER_RUN = 24;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export class Invoicing {
  private readonly now: () => Date;

  constructor(private readonly deps: InvoicingDeps) {
    this.now = deps.now;
  }

  private get store(): InvoiceStore {
    return this.deps.store;
  }

  /** Today in the seller's time zone, YYYY-MM-DD. */
  today(): string {
    return DateTime.fromJSDate(this.now(), { zone: this.deps.config.timeZone }).toISODate()!;
  }

  // ------------------------------------------------------------------ closing

  /** Closes one period for one customer or for all; idempotent (a closed period answers its invoice). */
  async closePeriod(request: CloseRequest): Promise<CloseResult> {
    const reference = request.periodContaining ?? request.periodStart;
    if (!reference)
      throw new ValidationError([
        { field: 'period', reason: 'one of period_containing or period_start is required' },
      ]);
    const customers = await this.store.customers(
      request.customerAccount ? [request.customerAccount] : undefined,
    );
    if (request.customerAccount && !customers.length)
      throw new NotFoundError(`no customer ${JSON.stringify(request.customerAccount)}`);
    const now = this.now();
    const skipped: CloseResult['skipped'] = [];
    const targets: CloseTarget[] = [];
    for (const customer of customers) {
      let period: BillingPeriod;
      try {
        period = periodContaining(reference, periodOptionsAt(customer, reference));
      } catch (error) {
        skipped.push({
          customerAccount: customer.account,
          reason: `cannot lay out its periods: ${(error as Error).message}`,
        });
        continue;
      }
      if (request.periodStart && period.start.getTime() !== request.periodStart.getTime()) {
        skipped.push({
          customerAccount: customer.account,
          reason: `no billing period starts at ${request.periodStart.toISOString()}; the period containing it starts at ${period.start.toISOString()}`,
        });
        continue;
      }
      if (period.end.getTime() > now.getTime()) {
        skipped.push({
          customerAccount: customer.account,
          reason: `period ${period.key} ends ${period.end.toISOString()}, in the future`,
        });
        continue;
      }
      targets.push({ customer, period });
    }
    const issueDate = request.issue ? this.today() : undefined;
    const outcomes = await this.closeInChunks(targets, issueDate);
    for (const o of outcomes)
      if (o.result === 'skipped') skipped.push({ customerAccount: o.account, reason: o.reason });
    const ids = outcomes.flatMap((o) => (o.result !== 'skipped' && o.invoiceId ? [o.invoiceId] : []));
    let invoices = await this.store.getInvoices(ids);
    if (request.issue) {
      // Drafts from an earlier close without `issue`: issue them now, so a retry converges.
      const drafts = invoices.filter((i) => i.status === 'DRAFT').map((i) => i.id);
      if (drafts.length) {
        await this.store.transaction((tx) =>
          tx.issue(drafts, { series: this.deps.config.invoiceSeries, issueDate: issueDate! }),
        );
        invoices = await this.store.getInvoices(ids);
      }
    }
    return { invoices, skipped };
  }

  /**
   * What the scheduler runs: for every customer, closes every period whose end + grace has passed,
   * from the end of its last closed period (or its first uninvoiced charge) on, in order.
   */
  async closeDuePeriods(signal?: AbortSignal): Promise<DueCloseReport> {
    const now = this.now();
    const graceMs = this.deps.config.closeGraceHours * 3_600_000;
    const [customers, state] = await Promise.all([this.store.customers(), this.store.closingState()]);
    const rounds: CloseTarget[][] = [];
    const report: DueCloseReport = { periodsClosed: 0, invoicesCreated: 0, skipped: [] };
    for (const customer of customers) {
      const s = state.get(customer.account);
      const from = s?.closedUntil ?? s?.firstOpenCharge;
      if (!from) continue;
      try {
        let period = periodContaining(from, periodOptionsAt(customer, from));
        for (let k = 0; k < MAX_PERIODS_PER_RUN && period.end.getTime() + graceMs <= now.getTime(); k++) {
          (rounds[k] ??= []).push({ customer, period });
          period = nextPeriod(period);
        }
      } catch (error) {
        report.skipped.push({
          customerAccount: customer.account,
          periodKey: '',
          reason: (error as Error).message,
        });
      }
    }
    const issueDate = this.deps.config.closeIssues ? this.today() : undefined;
    for (const round of rounds) {
      for (const o of await this.closeInChunks(round, issueDate, signal)) {
        if (o.result === 'closed') {
          report.periodsClosed++;
          if (o.invoiceId) report.invoicesCreated++;
        } else if (o.result === 'skipped')
          report.skipped.push({ customerAccount: o.account, periodKey: o.periodKey, reason: o.reason });
      }
    }
    return report;
  }

  private async closeInChunks(
    targets: CloseTarget[],
    issueDate: string | undefined,
    signal?: AbortSignal,
  ): Promise<CloseOutcome[]> {
    const chunks: CloseTarget[][] = [];
    for (let i = 0; i < targets.length; i += CLOSE_CHUNK) chunks.push(targets.slice(i, i + CLOSE_CHUNK));
    const results: CloseOutcome[][] = new Array(chunks.length);
    let next = 0;
    // Chunks hold different customers, so they may run side by side (the store says how many).
    const worker = async () => {
      for (let i = next++; i < chunks.length; i = next++) {
        // Stopping between chunks: each chunk commits or rolls back whole; the rest closes on the next run.
        if (signal?.aborted) return;
        results[i] = await this.store.closeTargets(
          chunks[i]!,
          (t, charges) => this.buildInvoice(t, charges),
          {
            series: this.deps.config.invoiceSeries,
            ...(issueDate ? { issueDate } : {}),
          },
        );
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(this.store.closeParallelism, chunks.length)) }, worker),
    );
    return results.flatMap((r) => r ?? []);
  }

  /**
   * The invoice of one customer's period from its charges: what closing stores, and what a rerate
   * compares an issued invoice with. Unless given: the live rule files' period pricing, the
   * configured seller and the customer as buyer.
   */
  buildInvoice(target: CloseTarget, charges: ChargeGroup[], options: BuildOptions = {}): BuildDecision {
    const periodPricing = options.periodPricing ?? this.deps.periodPricing;
    return buildPeriodInvoice(target, charges, {
      seller: options.seller ?? this.deps.config.seller,
      vatRate: this.deps.config.vatRate,
      issueDate: this.today(),
      ...(periodPricing ? { periodPricing } : {}),
      ...(options.buyer ? { buyer: options.buyer } : {}),
    });
  }

  // ------------------------------------------------------------------ issuing and correcting

  /** Issues a draft: the next number of its series and year; retried with the same key, the same answer. */
  async issue(key: RequestKey, invoiceId: string, issueDate?: string): Promise<StoredInvoice> {
    checkId(invoiceId, 'invoice_id');
    if (issueDate && !validDate(issueDate))
      throw new ValidationError([{ field: 'issue_date', reason: 'must be YYYY-MM-DD' }]);
    const date = issueDate || this.today();
    const id = await this.store.transaction((tx) =>
      tx.once(key, async () => {
        const invoice = await tx.lockInvoice(invoiceId);
        if (!invoice) throw new NotFoundError(`no invoice with id ${invoiceId}`);
        if (invoice.status === 'ISSUED')
          throw new FailedPreconditionError(`invoice ${invoiceId} is already issued as ${invoice.number}`);
        const series =
          invoice.kind === 'INVOICE' ? this.deps.config.invoiceSeries : this.deps.config.creditNoteSeries;
        await tx.issue([invoice.id], { series, issueDate: date });
        return invoice.id;
      }),
    );
    return this.mustGet(id);
  }

  /**
   * A credit note for an issued invoice: the whole remaining amount, or the given lines (optionally a
   * part of a line's quantity, priced pro rata). Credit notes have their own series (CN-YYYY-NNNNNN).
   */
  async createCreditNote(request: CreditRequest): Promise<StoredInvoice> {
    if (!request.reason.trim())
      throw new ValidationError([{ field: 'reason', reason: 'required: printed on the credit note' }]);
    request.lines.forEach((l, i) => {
      if (!Number.isInteger(l.lineNumber) || l.lineNumber < 1)
        throw new ValidationError([
          { field: `lines[${i}].line_number`, reason: 'must be a line number from 1' },
        ]);
      if (l.quantity && (!isDecimalText(l.quantity) || !new Decimal(l.quantity).greaterThan(0))) {
        throw new ValidationError([
          {
            field: `lines[${i}].quantity`,
            reason: 'must be a positive decimal, or empty for the whole line',
          },
        ]);
      }
    });
    if (new Set(request.lines.map((l) => l.lineNumber)).size !== request.lines.length) {
      throw new ValidationError([{ field: 'lines', reason: 'each line_number at most once' }]);
    }
    const invoiceId = await this.resolveId(request.invoiceId, request.invoiceNumber);
    const issueDate = this.today();
    const id = await this.store.transaction((tx) =>
      tx.once(request.key, async () => {
        const invoice = await tx.lockInvoice(invoiceId);
        if (!invoice) throw new NotFoundError(`no invoice with id ${invoiceId}`);
        if (invoice.kind !== 'INVOICE')
          throw new FailedPreconditionError('only an invoice can be credited, not a credit note');
        if (invoice.status !== 'ISSUED')
          throw new FailedPreconditionError(
            `invoice ${invoiceId} is a draft; only issued invoices are credited (a draft can be rebuilt)`,
          );
        const credited = await tx.creditedSoFar(invoice.id);
        const lines = invoice.document.lines;
        const chosen: { input: InvoiceLineInput; lineNo: number }[] = [];
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
        if (!request.lines.length) {
          for (const line of lines) {
            const r = remaining(line.lineNo);
            if (r.net.isZero()) continue;
            chosen.push({
              input: { ...line, quantity: r.quantity.toFixed(), netAmount: formatAmount(r.net, 2) },
              lineNo: line.lineNo,
            });
          }
          if (!chosen.length)
            throw new FailedPreconditionError(`invoice ${invoice.number} is already fully credited`);
        } else {
          for (const [i, want] of request.lines.entries()) {
            if (!lines.some((l) => l.lineNo === want.lineNumber)) {
              throw new ValidationError([
                {
                  field: `lines[${i}].line_number`,
                  reason: `invoice ${invoice.number} has no line ${want.lineNumber}`,
                },
              ]);
            }
            const r = remaining(want.lineNumber);
            const lineQty = new Decimal(r.line.quantity).abs();
            const left = r.quantity.abs();
            const q = want.quantity ? new Decimal(want.quantity) : left;
            if (r.net.isZero() || q.greaterThan(left)) {
              throw new FailedPreconditionError(
                `line ${want.lineNumber}: crediting ${q.toFixed()} but only ${left.toFixed()} remains uncredited`,
              );
            }
            const sign = new Decimal(r.line.quantity).isNegative() ? -1 : 1;
            const net =
              q.equals(left) || lineQty.isZero()
                ? r.net
                : new Decimal(r.line.netAmount).times(q).dividedBy(lineQty).toDecimalPlaces(2);
            chosen.push({
              input: { ...r.line, quantity: q.times(sign).toFixed(), netAmount: formatAmount(net, 2) },
              lineNo: want.lineNumber,
            });
          }
        }
        let draft;
        try {
          draft = buildCreditNote(invoice.document as IssuedInvoiceDocument, {
            reason: request.reason,
            lines: chosen.map((c) => c.input),
            issueDate,
          });
        } catch (error) {
          if (error instanceof RangeError) throw new FailedPreconditionError(error.message);
          throw error;
        }
        const noteId = await tx.insertCreditNote({
          invoice,
          draft,
          series: this.deps.config.creditNoteSeries,
          reason: request.reason,
          creditedLineNos: chosen.map((c) => c.lineNo),
        });
        if (request.issue) await tx.issue([noteId], { series: this.deps.config.creditNoteSeries, issueDate });
        return noteId;
      }),
    );
    return this.mustGet(id);
  }

  // ------------------------------------------------------------------ reading

  async get(key: { id?: string; number?: string }): Promise<StoredInvoice> {
    return this.mustGet(await this.resolveId(key.id, key.number));
  }

  async list(
    filter: InvoiceFilter,
    pageSize: number,
    pageToken?: string,
  ): Promise<{ invoices: StoredInvoice[]; nextPageToken: string }> {
    const token = decodePageToken(pageToken);
    let after: [string, string] | undefined;
    if (token) {
      const [at, id] = token;
      if (
        typeof at !== 'string' ||
        Number.isNaN(Date.parse(at)) ||
        typeof id !== 'string' ||
        !/^\d+$/.test(id)
      ) {
        throw new ValidationError([{ field: 'page_token', reason: 'not a page token from this service' }]);
      }
      after = [at, id];
    }
    const page = await this.store.listInvoices(filter, pageSize, after);
    return { invoices: page.invoices, nextPageToken: page.next ? encodePageToken(page.next) : '' };
  }

  /**
   * Charges of the customer's open period of calls started before `asOf`, exactly: whole local days
   * from the daily totals, the day of `asOf` up to the instant from its charges (see RunningSpan).
   */
  async runningCharges(customerAccount: string, asOf?: Date): Promise<RunningCharges> {
    if (!customerAccount) throw new ValidationError([{ field: 'customer_account', reason: 'required' }]);
    const [customer] = await this.store.customers([customerAccount]);
    if (!customer) throw new NotFoundError(`no customer ${quoteForMessage(customerAccount)}`);
    const at = asOf ?? this.now();
    const period = periodContaining(at, periodOptionsAt(customer, at));
    const day = DateTime.fromJSDate(at, { zone: customer.timeZone });
    // A period starts at a local midnight; the later of the two bounds keeps a stray layout safe.
    const dayStart = new Date(Math.max(day.startOf('day').toMillis(), period.start.getTime()));
    const [rows, unrated] = await Promise.all([
      this.store.runningTotals(customerAccount, {
        fromLocalDate: period.startDate,
        untilLocalDate: day.toISODate()!,
        untilDayStart: dayStart,
        until: at,
      }),
      this.store.unratedCount(customerAccount, period.start, at),
    ]);
    const totals = new Map<string, Decimal>();
    for (const r of rows) totals.set(r.currency, (totals.get(r.currency) ?? ZERO).plus(r.amount));
    return {
      customerAccount,
      period,
      asOf: at,
      totals: [...totals].map(([currency, amount]) => ({ currency, amount: amount.toFixed() })),
      breakdown: rows.map((r) => ({
        accessType: r.accessType,
        zone: r.zone,
        minutes: new Decimal(minutesOf(r.billedSeconds)).toDecimalPlaces(4).toFixed(),
        calls: r.calls,
        currency: r.currency,
        amount: r.amount,
      })),
      unratedCount: unrated,
    };
  }

  /** The PDF of an invoice or credit note; a draft renders as a preview numbered "DRAFT". */
  async renderPdf(invoiceId: string): Promise<{ content: Buffer; fileName: string; contentType: string }> {
    const invoice = await this.get({ id: invoiceId });
    const doc: IssuedInvoiceDocument =
      invoice.document.status === 'issued' ? invoice.document : issueDraft(invoice.document, 'DRAFT');
    const content = await renderInvoicePdf(doc);
    const kind = invoice.kind === 'INVOICE' ? 'invoice' : 'credit-note';
    return {
      content,
      fileName: `${kind}-${invoice.number ?? `draft-${invoice.id}`}.pdf`,
      contentType: 'application/pdf',
    };
  }

  private async resolveId(id?: string, number?: string): Promise<string> {
    if (id) checkId(id, 'invoice_id');
    else if (!number)
      throw new ValidationError([
        { field: 'invoice_id', reason: 'one of invoice_id or invoice_number is required' },
      ]);
    const found = await this.store.findInvoiceId(id ? { id } : { number });
    if (!found)
      throw new NotFoundError(
        id ? `no invoice with id ${id}` : `no invoice numbered ${JSON.stringify(number)}`,
      );
    return found;
  }

  private async mustGet(id: string): Promise<StoredInvoice> {
    const [invoice] = await this.store.getInvoices([id]);
    if (!invoice) throw new NotFoundError(`no invoice with id ${id}`);
    return invoice;
  }
}

function checkId(id: string, field: string): void {
  if (!/^\d{1,18}$/.test(id))
    throw new ValidationError([{ field, reason: 'not an invoice id from this service' }]);
}

function validDate(date: string): boolean {
  return ISO_DATE.test(date) && DateTime.fromISO(date, { zone: 'UTC' }).isValid;
}

export type { BillingCustomer };
