/**
 * Re-rating: price a customer's CDRs of a time range again (after a rule, rate or contract fix) and
 * carry the change through everything built on the charges, in one transaction:
 *
 * 1. Each CDR is priced with the live rule set in force at its start, or with one archived rule set.
 *    A charge whose amount, currency or rule set changes is superseded by a new one (the old one is
 *    kept, marked superseded); an unrated CDR that can now be priced gets its first charge. A CDR
 *    that has a charge but cannot be priced any more stops the rerate: nothing changes.
 * 2. The customer's running totals get the difference (old charges out, new ones in).
 * 3. Every invoice holding a charge whose amount changed is built again, exactly as closing builds
 *    it. A draft takes the new content. An issued invoice never changes: it is built from its charges
 *    before and after the rerate (same parties, same period pricing), and the difference per line
 *    (src/domain/invoicing/draft.ts `rerateDelta`) is issued at once as a credit note (lines that
 *    went down) and a supplementary invoice (lines that went up), both referring to the invoice.
 */
import type { InvoicingConfig } from '../../config/invoicing-config';
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import {
  buildCreditNote,
  buildInvoiceDraft,
  invoiceLineKey,
  rerateDelta,
  type RerateDelta,
} from '../../domain/invoicing/draft';
import type { InvoiceDraft, IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { Decimal, formatAmount, ZERO } from '../../domain/money';
import { periodContaining, type BillingPeriod } from '../../domain/periods/index';
import { priceCdr, type BatchFacts } from '../ingest/price-batch';
import type { BookingDirectory, CdrRater, CustomerDirectory } from '../ingest/ports';
import type { RequestKey } from '../mutations';
import { periodOptionsAt, type PeriodPricingSource } from './build';
import type { BuildOptions, Invoicing } from './invoicing';
import type { BillingCustomer, ChargeGroup, CloseTarget, InvoiceStore, StoredInvoice } from './ports';
import type { ChargeReplacement, RerateStore, RerateTx } from './rerate-ports';

/** A rater that can also name the rule sets it prices with ("standard-2026 2026.1"). */
export interface DescribedRater extends CdrRater {
  describe(hash: string): string | undefined;
  /** Period pricing that goes with these call prices; the live rule files' when absent. */
  periodPricing?: PeriodPricingSource;
}

export interface RerateDeps {
  store: RerateStore;
  invoices: InvoiceStore;
  invoicing: Invoicing;
  config: InvoicingConfig;
  /** The live rule book. */
  liveRater: DescribedRater;
  /** A rater for one archived rule set, by content hash; undefined when no such set was ever live. */
  archivedRater(hash: string): Promise<DescribedRater | undefined>;
  customers?: CustomerDirectory;
  bookings?: BookingDirectory;
}

export interface RerateRequest {
  key: RequestKey;
  customerAccount: string;
  from?: Date;
  to?: Date;
  ruleSetHash?: string;
  reason?: string;
}

export interface Money {
  currency: string;
  amount: string;
}

/** What a rerate did; stored with its request id, so a retry answers the same. */
export interface RerateSummary {
  reratedCount: number;
  changedCount: number;
  newlyRatedCount: number;
  invoicedChangedCount: number;
  oldTotals: Money[];
  newTotals: Money[];
  rebuiltInvoiceIds: string[];
  correctionIds: string[];
}

export interface RerateResult extends RerateSummary {
  corrections: StoredInvoice[];
}

/** CDRs priced per round trip. */
const PAGE = 5000;
/** A rerate runs in one transaction; longer spans are split by the caller. */
const MAX_SPAN_DAYS = 400;
const HASH = /^[0-9a-f]{64}$/;

export class Rerating {
  constructor(private readonly deps: RerateDeps) {}

  async rerate(request: RerateRequest): Promise<RerateResult> {
    const { from, to } = checkRequest(request);
    const [customer] = await this.deps.invoices.customers([request.customerAccount]);
    if (!customer) throw new NotFoundError(`no customer ${JSON.stringify(request.customerAccount)}`);
    const rater = request.ruleSetHash
      ? await this.deps.archivedRater(request.ruleSetHash)
      : this.deps.liveRater;
    if (!rater)
      throw new ValidationError([
        {
          field: 'rule_set_hash',
          reason: 'no rule set with this content hash has ever been live (see RatingService.ListRuleSets)',
        },
      ]);
    // Read before the transaction: the embedded database has one connection, which the transaction holds.
    const facts = await this.facts(customer.account, from, to);
    const summary = await this.deps.store.transaction((tx) =>
      tx.once(request.key, () =>
        this.run(tx, { customer, from, to, rater, facts, reason: request.reason?.trim() || undefined }),
      ),
    );
    return { ...summary, corrections: await this.deps.invoices.getInvoices(summary.correctionIds) };
  }

  private async facts(account: string, from: Date, to: Date): Promise<BatchFacts> {
    const bookingIds = this.deps.bookings ? await this.deps.store.bookingIds(account, from, to) : [];
    const [customers, bookedFeatures] = await Promise.all([
      this.deps.customers?.pricingFacts([account]),
      this.deps.bookings && bookingIds.length ? this.deps.bookings.bookedFeatures(bookingIds) : undefined,
    ]);
    return { customers, bookedFeatures };
  }

  private async run(
    tx: RerateTx,
    job: {
      customer: BillingCustomer;
      from: Date;
      to: Date;
      rater: DescribedRater;
      facts: BatchFacts;
      reason: string | undefined;
    },
  ): Promise<RerateSummary> {
    const { customer, from, to, rater, facts } = job;
    await tx.lock(customer.account, from, to);
    const oldTotals = new Totals();
    const newTotals = new Totals();
    const counts = { reratedCount: 0, changedCount: 0, newlyRatedCount: 0 };
    const unpriceable: string[] = [];
    const changedPerInvoice = new Map<string, number>();
    const ruleSets = new Set<string>();

    for (let after = '0'; ;) {
      const page = await tx.calls(customer.account, from, to, after, PAGE);
      if (!page.length) break;
      after = page[page.length - 1]!.cdrId;
      const replacements: ChargeReplacement[] = [];
      const amountChanged = new Set<string>();
      for (const call of page) {
        const decision = priceCdr({ rater }, call.cdr, facts);
        const old = call.charge;
        if (!decision.rated) {
          if (old) unpriceable.push(`${call.cdr.bridgeId}/${call.cdr.recordId}: ${decision.reason}`);
          continue;
        }
        const fresh = decision.charge;
        newTotals.add(fresh.currency, fresh.amount);
        if (old) {
          counts.reratedCount++;
          oldTotals.add(old.currency, old.amount);
          const sameAmount = old.currency === fresh.currency && new Decimal(old.amount).equals(fresh.amount);
          if (sameAmount && old.ruleSetHash === fresh.ruleSetHash) continue;
          // Same amount, another rule set: the new charge records it, but no invoice changes.
          if (!sameAmount) {
            counts.changedCount++;
            amountChanged.add(call.cdrId);
          }
        } else counts.newlyRatedCount++;
        ruleSets.add(fresh.ruleSetHash);
        replacements.push({
          cdrId: call.cdrId,
          cdr: call.cdr,
          ...(old ? { oldChargeId: old.id } : {}),
          charge: fresh,
        });
      }
      // After the first unpriceable call nothing more is written: the transaction is rolled back anyway.
      if (unpriceable.length || !replacements.length) continue;
      // The invoice a changed charge is on, as the store found it when superseding it (a close may have claimed it since it was read).
      for (const r of await tx.replace(replacements)) {
        if (r.invoiceId && amountChanged.has(r.cdrId))
          changedPerInvoice.set(r.invoiceId, (changedPerInvoice.get(r.invoiceId) ?? 0) + 1);
      }
    }
    if (unpriceable.length) {
      throw new FailedPreconditionError(
        `${unpriceable.length} call(s) with a charge cannot be priced by the chosen rules, so nothing was re-rated; first: ${unpriceable.slice(0, 5).join('; ')}`,
      );
    }
    await tx.applyDailyTotalsDelta();

    const reason =
      job.reason ??
      `Re-rated with rule set ${[...ruleSets].map((h) => rater.describe(h) ?? h.slice(0, 12)).join(', ')}`;
    const rebuiltInvoiceIds: string[] = [];
    const correctionIds: string[] = [];
    let invoicedChangedCount = 0;
    for (const invoice of await tx.lockInvoices([...changedPerInvoice.keys()])) {
      const period = periodOfInvoice(invoice, customer);
      // An archived rule set's period pricing applies to the periods it re-rated whole; others keep the live one.
      const periodPricing = period.start >= from && period.end <= to ? rater.periodPricing : undefined;
      if (invoice.status === 'DRAFT') {
        // A draft is what closing would make now: rebuilt from its charges with today's customer data.
        await tx.replaceDraft(
          invoice.id,
          this.build(invoice, { customer, period }, await tx.invoiceCharges(invoice, 'after'), {
            periodPricing,
          }),
        );
        rebuiltInvoiceIds.push(invoice.id);
        continue;
      }
      // An issued invoice: the difference the changed charges make, built both times with the same
      // parties (as printed on the invoice) and the same period pricing, so nothing else leaks in.
      const original = invoice.document as IssuedInvoiceDocument;
      const options = { periodPricing, seller: original.seller, buyer: original.buyer };
      const before = this.build(
        invoice,
        { customer, period },
        await tx.invoiceCharges(invoice, 'before'),
        options,
      );
      const after = this.build(
        invoice,
        { customer, period },
        await tx.invoiceCharges(invoice, 'after'),
        options,
      );
      invoicedChangedCount += changedPerInvoice.get(invoice.id) ?? 0;
      correctionIds.push(
        ...(await this.correct(tx, invoice, period, rerateDelta(before.lines, after.lines), reason)),
      );
    }
    return {
      ...counts,
      invoicedChangedCount,
      oldTotals: oldTotals.list(),
      newTotals: newTotals.list(),
      rebuiltInvoiceIds,
      correctionIds,
    };
  }

  private build(
    invoice: StoredInvoice,
    target: CloseTarget,
    charges: ChargeGroup[],
    options: BuildOptions,
  ): InvoiceDraft {
    const decision = this.deps.invoicing.buildInvoice(target, charges, options);
    if (decision.kind !== 'invoice') {
      throw new FailedPreconditionError(
        `invoice ${invoice.number ?? invoice.id} cannot be built again: ${decision.kind === 'skip' ? decision.reason : 'no charges'}`,
      );
    }
    return decision.draft;
  }

  /** Issues a difference for an issued invoice: a credit note for what went down, a supplementary invoice for what went up. */
  private async correct(
    tx: RerateTx,
    invoice: StoredInvoice,
    period: BillingPeriod,
    delta: RerateDelta,
    reason: string,
  ): Promise<string[]> {
    const original = invoice.document as IssuedInvoiceDocument;
    const issueDate = this.deps.invoicing.today();
    const ids: string[] = [];
    if (delta.toCredit.length) {
      let draft;
      try {
        // Bounded by what was billed for the invoice so far, supplementary invoices included.
        draft = buildCreditNote(original, {
          reason,
          lines: delta.toCredit,
          issueDate,
          billedNet: await tx.billedNet(invoice.id),
        });
      } catch (error) {
        if (error instanceof RangeError)
          throw new FailedPreconditionError(`invoice ${invoice.number}: ${error.message}`);
        throw error;
      }
      const creditedLineNos = delta.toCredit.map(
        (l) => original.lines.find((o) => invoiceLineKey(o) === l.adjustsKey)?.lineNo,
      );
      const id = await tx.insertCorrection({
        kind: 'CREDIT_NOTE',
        invoice,
        draft,
        series: this.deps.config.creditNoteSeries,
        reason,
        creditedLineNos,
      });
      await tx.issue([id], { series: this.deps.config.creditNoteSeries, issueDate });
      ids.push(id);
    }
    if (delta.toInvoice.length) {
      const draft = buildInvoiceDraft({
        seller: original.seller,
        buyer: original.buyer,
        currency: original.currency,
        period,
        issueDate,
        paymentTermsDays: original.paymentTermsDays,
        charges: [],
        defaultVatRate: this.deps.config.vatRate,
        extraLines: delta.toInvoice,
        notes: [`Supplementary invoice to ${invoice.number}: ${reason}`],
        precedingInvoiceNumber: invoice.number!,
        precedingInvoiceDate: original.issueDate,
      });
      const id = await tx.insertCorrection({
        kind: 'INVOICE',
        invoice,
        draft,
        series: this.deps.config.invoiceSeries,
      });
      await tx.issue([id], { series: this.deps.config.invoiceSeries, issueDate });
      ids.push(id);
    }
    return ids;
  }
}

function checkRequest(request: RerateRequest): { from: Date; to: Date } {
  if (!request.customerAccount)
    throw new ValidationError([{ field: 'customer_account', reason: 'required' }]);
  const { from, to } = request;
  if (!from)
    throw new ValidationError([
      {
        field: 'period.start_time',
        reason: 'required: re-rate CDRs whose start lies in [start_time, end_time)',
      },
    ]);
  if (!to)
    throw new ValidationError([
      {
        field: 'period.end_time',
        reason: 'required: re-rate CDRs whose start lies in [start_time, end_time)',
      },
    ]);
  if (!(from < to))
    throw new ValidationError([{ field: 'period', reason: 'start_time must be before end_time' }]);
  if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * 86_400_000) {
    throw new ValidationError([
      {
        field: 'period',
        reason: `at most ${MAX_SPAN_DAYS} days per rerate (one transaction); split longer spans`,
      },
    ]);
  }
  if (request.ruleSetHash && !HASH.test(request.ruleSetHash)) {
    throw new ValidationError([
      {
        field: 'rule_set_hash',
        reason: 'a rule set content hash: 64 lowercase hex digits, or empty for the live rules',
      },
    ]);
  }
  return { from, to };
}

/** The billing period an invoice was made for, laid out again from the customer's contract. */
function periodOfInvoice(invoice: StoredInvoice, customer: BillingCustomer): BillingPeriod {
  const period = periodContaining(invoice.periodStart, periodOptionsAt(customer, invoice.periodStart));
  if (period.key !== invoice.periodKey || period.start.getTime() !== invoice.periodStart.getTime()) {
    throw new FailedPreconditionError(
      `invoice ${invoice.number ?? invoice.id} is for period ${invoice.periodKey}, but the customer's billing cycle now lays out ${period.key} there`,
    );
  }
  return period;
}

class Totals {
  private readonly sums = new Map<string, Decimal>();

  add(currency: string, amount: string): void {
    this.sums.set(currency, (this.sums.get(currency) ?? ZERO).plus(amount));
  }

  list(): Money[] {
    return [...this.sums]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, amount]) => ({ currency, amount: formatAmount(amount) }));
  }
}
