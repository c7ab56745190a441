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
 *    went down) and a supplementary invoice (lines that went up), both referring to the invoice
 *    (./rerate-corrections.ts).
 */
import { FailedPreconditionError, NotFoundError, ValidationError } from '../../domain/errors';
import { rerateDelta } from '../../domain/invoicing/draft';
import type { InvoiceDraft, IssuedInvoiceDocument } from '../../domain/invoicing/types';
import { Decimal, formatAmount, ZERO } from '../../domain/money';
import { periodContaining, type BillingPeriod } from '../../domain/periods/index';
import { priceCdr, pricedWithOf, type BatchFacts } from '../ingest/price-batch';
import type { BookingDirectory, CdrRater, CustomerDirectory } from '../ingest/ports';
import { periodOptionsAt, type PeriodPricingSource } from './build';
import { buildInvoice, type BuildInvoiceDeps, type BuildInvoiceInput } from './build-invoice';
import type { InvoicingSettings } from './invoicing-settings';
import type { BillingCustomer, InvoiceStore, IssueOptions, StoredInvoice } from './ports';
import { issueOptions, type IssueGuardSettings } from './issue-guard';
import { issueCorrections } from './rerate-corrections';
import type { ChargeReplacement, RerateStore, RerateTx } from './rerate-ports';
import { checkRerateRequest, type RerateRequest } from './rerate-request';
import { todayIn } from './today';

/** A rater that can also name the rule sets it prices with ("standard-2026 2026.1"). */
export interface DescribedRater extends CdrRater {
  describe(hash: string): string | undefined;
  /** Period pricing that goes with these call prices; the live rule files' when absent. */
  periodPricing?: PeriodPricingSource;
}

export interface RerateDeps extends BuildInvoiceDeps {
  store: RerateStore;
  invoices: Pick<InvoiceStore, 'customers' | 'getInvoices'>;
  settings: Pick<
    InvoicingSettings,
    'seller' | 'vatRate' | 'timeZone' | 'invoiceSeries' | 'creditNoteSeries'
  > &
    IssueGuardSettings;
  /** The live rule book. */
  liveRater: DescribedRater;
  /** A rater for one archived rule set, by content hash; undefined when no such set was ever live. */
  archivedRater(hash: string): Promise<DescribedRater | undefined>;
  customers?: CustomerDirectory;
  bookings?: BookingDirectory;
}

export type { RerateRequest };

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

interface RerateJob {
  customer: BillingCustomer;
  from: Date;
  to: Date;
  rater: DescribedRater;
  facts: BatchFacts;
  reason: string | undefined;
}

/** CDRs priced per round trip. */
const PAGE = 5000;

export async function rerateCharges(deps: RerateDeps, request: RerateRequest): Promise<RerateResult> {
  const { from, to } = checkRerateRequest(request);
  const [customer] = await deps.invoices.customers([request.customerAccount]);
  if (!customer) throw new NotFoundError(`no customer ${JSON.stringify(request.customerAccount)}`);
  const rater = request.ruleSetHash ? await deps.archivedRater(request.ruleSetHash) : deps.liveRater;
  if (!rater)
    throw new ValidationError([
      {
        field: 'rule_set_hash',
        reason: 'no rule set with this content hash has ever been live (see RatingService.ListRuleSets)',
      },
    ]);
  // Read before the transaction: the embedded database has one connection, which the transaction holds.
  const facts = await factsOf(deps, customer.account, from, to);
  const reason = request.reason?.trim() || undefined;
  const summary = await deps.store.transaction((tx) =>
    tx.once(request.key, () => rerateIn(deps, tx, { customer, from, to, rater, facts, reason })),
  );
  return { ...summary, corrections: await deps.invoices.getInvoices(summary.correctionIds) };
}

async function factsOf(deps: RerateDeps, account: string, from: Date, to: Date): Promise<BatchFacts> {
  const bookingIds = deps.bookings ? await deps.store.bookingIds(account, from, to) : [];
  // As ingest: a cited booking's features count only when it is the call's own (bookedFeaturesOf).
  const [customers, bookings] = await Promise.all([
    deps.customers?.pricingFacts([account]),
    deps.bookings && bookingIds.length ? deps.bookings.citedBookings(bookingIds) : undefined,
  ]);
  return { customers, bookings };
}

async function rerateIn(deps: RerateDeps, tx: RerateTx, job: RerateJob): Promise<RerateSummary> {
  const { customer, from, to, rater } = job;
  await tx.lock(customer.account, from, to);
  const priced = await repriceCalls(tx, job);
  await tx.applyDailyTotalsDelta();
  const reason =
    job.reason ??
    `Re-rated with rule set ${[...priced.ruleSets].map((h) => rater.describe(h) ?? h.slice(0, 12)).join(', ')}`;
  const rebuiltInvoiceIds: string[] = [];
  const correctionIds: string[] = [];
  let invoicedChangedCount = 0;
  // Only corrections of issued invoices are numbered: the guard (configured seller, exchange rates) applies to them alone.
  let issue: Omit<IssueOptions, 'series'> | undefined;
  for (const invoice of await tx.lockInvoices([...priced.changedPerInvoice.keys()])) {
    const period = periodOfInvoice(invoice, customer);
    // An archived rule set's period pricing applies to the periods it re-rated whole; others keep the live one.
    const periodPricing = period.start >= from && period.end <= to ? rater.periodPricing : undefined;
    const rebuild = async (when: 'before' | 'after', options: Partial<BuildInvoiceInput>) =>
      buildAgain(deps, invoice, {
        target: { customer, period },
        charges: await tx.invoiceCharges(invoice, when),
        ...options,
      });
    if (invoice.status === 'DRAFT') {
      // A draft is what closing would make now: rebuilt from its charges with today's customer data.
      await tx.replaceDraft(invoice.id, await rebuild('after', periodPricing ? { periodPricing } : {}));
      rebuiltInvoiceIds.push(invoice.id);
      continue;
    }
    // An issued invoice: the difference the changed charges make, built both times with the same
    // parties (as printed on the invoice) and the same period pricing, so nothing else leaks in.
    const original = invoice.document as IssuedInvoiceDocument;
    const options = {
      ...(periodPricing ? { periodPricing } : {}),
      seller: original.seller,
      buyer: original.buyer,
    };
    const before = await rebuild('before', options);
    const after = await rebuild('after', options);
    invoicedChangedCount += priced.changedPerInvoice.get(invoice.id) ?? 0;
    const delta = rerateDelta(before.lines, after.lines);
    if (!delta.toCredit.length && !delta.toInvoice.length) continue;
    issue ??= await issueOptions(deps.settings, todayIn(deps.settings.timeZone, deps.now()));
    correctionIds.push(
      ...(await issueCorrections(deps.settings, tx, { invoice, period, delta, reason, issue })),
    );
  }
  return {
    ...priced.counts,
    invoicedChangedCount,
    oldTotals: priced.oldTotals.list(),
    newTotals: priced.newTotals.list(),
    rebuiltInvoiceIds,
    correctionIds,
  };
}

/** Prices every call of the span again and stores the charges that change. */
async function repriceCalls(tx: RerateTx, job: RerateJob) {
  const { customer, from, to, rater, facts } = job;
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
        pricedWith: pricedWithOf(call.cdr, facts),
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
  return { counts, oldTotals, newTotals, changedPerInvoice, ruleSets };
}

/** An invoice built again from its charges, as closing builds it. */
function buildAgain(deps: RerateDeps, invoice: StoredInvoice, input: BuildInvoiceInput): InvoiceDraft {
  const decision = buildInvoice(deps, input);
  if (decision.kind !== 'invoice') {
    throw new FailedPreconditionError(
      `invoice ${invoice.number ?? invoice.id} cannot be built again: ${decision.kind === 'skip' ? decision.reason : 'no charges'}`,
    );
  }
  return decision.draft;
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

/** Sums of money per currency. */
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
