/**
 * Closing itself, shared by closing on demand (./close-period.ts) and on schedule
 * (./close-due-periods.ts): targets in chunks of customers, each chunk ONE transaction of the unit
 * of work. Correctness with several replicas lives in the database: a period is claimed once
 * (a concurrent closer waits, then finds it closed), exactly the claimed charges are on the
 * invoice, and numbers come from a locked counter row (gapless per series and year).
 */
import type { ClaimedTarget, CloseTransaction, CloseUnitOfWork, NewPeriodInvoice } from './close-ports';
import type {
  BuildDecision,
  ChargeGroup,
  CloseOutcome,
  CloseTarget,
  InvoiceStore,
  IssueOptions,
} from './ports';

export interface CloseTargetsDeps {
  closing: CloseUnitOfWork;
  /** Numbers the new invoices when they are issued at once. */
  store: Pick<InvoiceStore, 'transaction'>;
  /** The invoice of a target from its claimed charges (pure; ./build-invoice.ts). */
  build: (target: CloseTarget, charges: ChargeGroup[]) => BuildDecision;
}

export interface CloseTargetsInput {
  targets: CloseTarget[];
  series: string;
  /** Issue the new invoices at once, with this date and guard (./issue-guard.ts). */
  issue?: Omit<IssueOptions, 'series'>;
  /** Stops between chunks: each chunk commits or rolls back whole; the rest closes on the next run. */
  signal?: AbortSignal;
  /**
   * Called with each chunk's outcomes once it is committed (and issued), while other chunks are
   * still closing: reading its invoices back here overlaps with their work instead of following it.
   */
  afterChunk?: (outcomes: CloseOutcome[]) => Promise<void>;
}

/** Customers per closing transaction. */
const CLOSE_CHUNK = 1000;

export async function closeTargets(
  deps: CloseTargetsDeps,
  input: CloseTargetsInput,
): Promise<CloseOutcome[]> {
  const { targets, signal } = input;
  const chunks: CloseTarget[][] = [];
  for (let i = 0; i < targets.length; i += CLOSE_CHUNK) chunks.push(targets.slice(i, i + CLOSE_CHUNK));
  const results: CloseOutcome[][] = new Array<CloseOutcome[]>(chunks.length);
  let next = 0;
  let failed: { error: unknown } | undefined;
  // Chunks hold different customers, so they may run side by side (the unit of work says how many).
  // A failure stops every worker from starting another chunk, and the close answers it only once
  // the chunks already running have ended: nothing is written after the caller has its answer,
  // and a retry finds each chunk committed or rolled back whole.
  const worker = async () => {
    for (let i = next++; i < chunks.length && !failed; i = next++) {
      if (signal?.aborted) return;
      try {
        const outcomes = await closeChunk(deps, chunks[i]!, input);
        results[i] = outcomes;
        if (input.afterChunk) await input.afterChunk(outcomes);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(deps.closing.parallelism, chunks.length)) }, worker),
  );
  if (failed) throw failed.error;
  return results.flatMap((r) => r ?? []);
}

/** Closes these targets (at most one period per customer) in one transaction, then issues them. */
async function closeChunk(
  deps: CloseTargetsDeps,
  targets: CloseTarget[],
  options: { series: string; issue?: Omit<IssueOptions, 'series'> },
): Promise<CloseOutcome[]> {
  if (!targets.length) return [];
  const accounts = new Set<string>();
  for (const t of targets) {
    if (accounts.has(t.customer.account))
      throw new Error(`closeTargets: two periods of ${t.customer.account} in one call`);
    accounts.add(t.customer.account);
  }
  // Claimed in key order, so two closers never deadlock on each other.
  const sorted = [...targets].sort((a, b) => cmp(a.customer.account, b.customer.account));
  const outcomes = await deps.closing.withTransaction(async (tx) => {
    const byAccount = await closeInTransaction(deps, tx, sorted, options.series);
    return targets.map((t) => byAccount.get(t.customer.account)!);
  });
  // Numbering in its own READ COMMITTED transaction: under REPEATABLE READ the locked counter row
  // would fail with a serialization error whenever another issuer committed meanwhile. Drafts left
  // by a failure or crash in between are issued by the next close of their period with `issue`
  // (./close-period.ts) or, with BILLING_CLOSE_ISSUE, by the next scheduled run (issueLeftDrafts below).
  const created = outcomes.flatMap((o) => (o.result === 'closed' && o.invoiceId ? [o.invoiceId] : []));
  const issue = options.issue;
  if (issue && created.length)
    await deps.store.transaction((tx) => tx.issue(created, { ...issue, series: options.series }));
  return outcomes;
}

/**
 * Issues the period invoices closing left as drafts, of periods ended by `endedBy`, oldest period
 * first, so that their numbers come before those of later periods where they still can. Refusals go
 * to `issue.onRefused` when set (the draft stays one); else one refuses its whole transaction.
 */
export async function issueLeftDrafts(
  deps: { store: Pick<InvoiceStore, 'transaction' | 'periodDrafts'> },
  input: { series: string; issue: Omit<IssueOptions, 'series'>; endedBy: Date; signal?: AbortSignal },
): Promise<void> {
  const ids = await deps.store.periodDrafts(input.endedBy);
  for (let i = 0; i < ids.length && !input.signal?.aborted; i += CLOSE_CHUNK) {
    const chunk = ids.slice(i, i + CLOSE_CHUNK);
    await deps.store.transaction((tx) => tx.issue(chunk, { ...input.issue, series: input.series }));
  }
}

async function closeInTransaction(
  deps: CloseTargetsDeps,
  tx: CloseTransaction,
  sorted: CloseTarget[],
  series: string,
): Promise<Map<string, CloseOutcome>> {
  const won = await tx.claimPeriods(sorted);
  const outcomes = new Map<string, CloseOutcome>();
  // Lost: closed before (or by a concurrent closer that has committed by now).
  const lost = sorted.filter((t) => !won.has(t.customer.account));
  if (lost.length) {
    const existing = await tx.invoicesOfPeriods(lost);
    for (const t of lost) {
      const account = t.customer.account;
      outcomes.set(account, {
        account,
        periodKey: t.period.key,
        result: 'already_closed',
        invoiceId: existing.get(account),
      });
    }
  }
  const mine = sorted.filter((t) => won.has(t.customer.account));
  if (!mine.length) return outcomes;
  const ids = await tx.allocateInvoiceIds(mine.length);
  const claims: ClaimedTarget[] = mine.map((target, i) => ({ target, invoiceId: ids[i]! }));
  const groups = await tx.claimCharges(claims);
  const toInsert: NewPeriodInvoice[] = [];
  const release: ClaimedTarget[] = [];
  for (const claim of claims) {
    const { target, invoiceId } = claim;
    const account = target.customer.account;
    const periodKey = target.period.key;
    const charges = groups.get(account) ?? [];
    let decision: BuildDecision;
    try {
      // Built even without charges: the contract may bill the period all the same (a minimum
      // commitment tops up an empty month). Only a period with nothing on it has no invoice.
      decision = deps.build(target, charges);
      if (decision.kind === 'invoice' && !charges.length && !decision.draft.lines.length)
        decision = { kind: 'empty' };
    } catch (error) {
      decision = { kind: 'skip', reason: (error as Error).message };
    }
    if (decision.kind === 'invoice') {
      toInsert.push({ ...claim, draft: decision.draft, series });
      outcomes.set(account, { account, periodKey, result: 'closed', invoiceId });
    } else if (decision.kind === 'empty') {
      outcomes.set(account, { account, periodKey, result: 'closed' });
    } else {
      // Not closed after all: give the period and its charges back, to close once fixed.
      release.push(claim);
      outcomes.set(account, { account, periodKey, result: 'skipped', reason: decision.reason });
    }
  }
  if (release.length) await tx.release(release);
  await tx.insertInvoices(toInsert);
  return outcomes;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
