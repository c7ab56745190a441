/**
 * Backtest: price the stored CDRs of a past period with a candidate rule book and compare with what
 * they were charged, per customer and in total. Read-only: nothing is stored or changed.
 */
import type { Cdr } from '../../domain/cdr';
import { Decimal, formatAmount, ZERO } from '../../domain/money';
import type { RuleBook } from '../../domain/rating/index';
import type { BookingDirectory, CdrRater, CustomerDirectory } from '../ingest/ports';
import { loadBatchFacts, priceCdr } from '../ingest/price-batch';
import type { BacktestSource } from './ports';
import { decisionOf, pricingContext } from './rating-runtime';

export interface BacktestLine {
  customerAccount: string;
  currency: string;
  calls: number;
  charged: string;
  candidate: string;
  difference: string;
  /** Calls the candidate cannot price (each would become unrated). */
  unpriceable: number;
}

export interface BacktestDeps {
  source: BacktestSource;
  /** The rule book to try: what the stored calls would cost with it. */
  candidate: RuleBook;
  customers?: CustomerDirectory;
  /** The bookings CDRs cite: their features are priced as ingest and rerate price them. */
  bookings?: BookingDirectory;
}

export interface BacktestInput {
  from: Date;
  to: Date;
  customerAccount?: string;
}

/** A call the candidate prices differently from its current charge (or only one side prices). */
export interface BacktestChange {
  cdr: Cdr;
  charged?: { amount: string; currency: string };
  candidate?: { amount: string; currency: string };
  /** The candidate's one-line explanation, or why it cannot price the call. */
  summary: string;
}

/** How many changed calls a report lists one by one. */
export const MAX_CHANGES_LISTED = 100;

export interface BacktestReport {
  lines: BacktestLine[];
  totals: BacktestLine[];
  firstUnpriceable: { cdr: Cdr; reason: string }[];
  /** Calls compared, calls priced differently (amount or currency), calls the candidate cannot price. */
  counts: { compared: number; changed: number; unpriceable: number };
  /** The first MAX_CHANGES_LISTED changed calls, in storage order. */
  firstChanged: BacktestChange[];
}

function sameCharge(
  charged: { amount: string; currency: string } | undefined,
  outcome: { rated: true; amount: string; currency: string } | { rated: false },
): boolean {
  if (!charged || !outcome.rated) return !charged && !outcome.rated;
  return charged.currency === outcome.currency && new Decimal(charged.amount).eq(outcome.amount);
}

export async function backtest(deps: BacktestDeps, filter: BacktestInput): Promise<BacktestReport> {
  const byCustomer = new Map<
    string,
    { calls: number; charged: Decimal; candidate: Decimal; unpriceable: number; currency: string }
  >();
  const firstUnpriceable: { cdr: Cdr; reason: string }[] = [];
  const counts = { compared: 0, changed: 0, unpriceable: 0 };
  const firstChanged: BacktestChange[] = [];
  // Priced as ingest prices (priceCdr): the cited booking's features, an unknown customer, the
  // currency guard; so the live rule book as candidate changes nothing.
  const rater: CdrRater = {
    rate: (cdr, customer) => decisionOf(deps.candidate.rate(cdr, pricingContext(cdr, customer)), customer),
  };
  for await (const page of deps.source.pages(filter)) {
    const facts = await loadBatchFacts(
      { customers: deps.customers, bookings: deps.bookings },
      page.map((p) => p.cdr),
    );
    for (const { cdr, charged } of page) {
      const decision = priceCdr({ rater }, cdr, facts);
      const outcome = decision.rated
        ? {
            rated: true as const,
            amount: decision.charge.amount,
            currency: decision.charge.currency,
            explanation: decision.charge.explanation,
          }
        : decision;
      const currency = outcome.rated ? outcome.currency : (charged?.currency ?? '');
      const key = `${cdr.customerAccount}\u0000${currency}`;
      const acc = byCustomer.get(key) ?? {
        calls: 0,
        charged: ZERO,
        candidate: ZERO,
        unpriceable: 0,
        currency,
      };
      acc.calls += 1;
      counts.compared += 1;
      if (!outcome.rated) counts.unpriceable += 1;
      if (!sameCharge(charged, outcome)) {
        counts.changed += 1;
        if (firstChanged.length < MAX_CHANGES_LISTED)
          firstChanged.push({
            cdr,
            charged,
            candidate: outcome.rated ? { amount: outcome.amount, currency: outcome.currency } : undefined,
            summary: outcome.rated ? outcome.explanation.summary : outcome.reason,
          });
      }
      if (charged) acc.charged = acc.charged.plus(charged.amount);
      if (outcome.rated) acc.candidate = acc.candidate.plus(outcome.amount);
      else {
        acc.unpriceable += 1;
        if (firstUnpriceable.length < 20) firstUnpriceable.push({ cdr, reason: outcome.reason });
      }
      byCustomer.set(key, acc);
    }
  }
  const line = (
    customerAccount: string,
    a: { calls: number; charged: Decimal; candidate: Decimal; unpriceable: number; currency: string },
  ): BacktestLine => ({
    customerAccount,
    currency: a.currency,
    calls: a.calls,
    charged: formatAmount(a.charged),
    candidate: formatAmount(a.candidate),
    difference: formatAmount(a.candidate.minus(a.charged)),
    unpriceable: a.unpriceable,
  });
  const lines = [...byCustomer.entries()]
    .map(([key, a]) => line(key.split('\u0000')[0]!, a))
    .sort((x, y) => x.customerAccount.localeCompare(y.customerAccount));
  const totalsByCurrency = new Map<
    string,
    { calls: number; charged: Decimal; candidate: Decimal; unpriceable: number; currency: string }
  >();
  for (const a of byCustomer.values()) {
    const t = totalsByCurrency.get(a.currency) ?? {
      calls: 0,
      charged: ZERO,
      candidate: ZERO,
      unpriceable: 0,
      currency: a.currency,
    };
    t.calls += a.calls;
    t.charged = t.charged.plus(a.charged);
    t.candidate = t.candidate.plus(a.candidate);
    t.unpriceable += a.unpriceable;
    totalsByCurrency.set(a.currency, t);
  }
  return {
    lines,
    totals: [...totalsByCurrency.values()].map((t) => line('TOTAL', t)),
    firstUnpriceable,
    counts,
    firstChanged,
  };
}
