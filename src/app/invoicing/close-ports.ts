/**
 * The unit of work closing runs in. The close use case (./close-targets.ts) drives the transaction:
 * it claims periods and charges, builds the invoices (pure) and stores or releases them through
 * these operations, which persistence implements (src/persistence/close-unit-of-work.ts) without
 * ever calling back into a use case.
 */
import type { InvoiceDraft } from '../../domain/invoicing/types';
import type { ChargeGroup, CloseTarget } from './ports';

/** A target whose period this transaction claimed, with the id its invoice will have. */
export interface ClaimedTarget {
  target: CloseTarget;
  invoiceId: string;
}

export interface NewPeriodInvoice extends ClaimedTarget {
  draft: InvoiceDraft;
  series: string;
}

/** The operations of one closing transaction (all of it commits, or none). */
export interface CloseTransaction {
  /**
   * Claims the targets' periods (period_closings, unique per customer and period, claimed in key
   * order): the accounts whose period this transaction won. A concurrent closer of the same period
   * waits for the other to commit and then loses it.
   */
  claimPeriods(targets: CloseTarget[]): Promise<Set<string>>;
  /** The invoice of each of these already closed periods that has one, by account. */
  invoicesOfPeriods(targets: CloseTarget[]): Promise<Map<string, string>>;
  /** Fresh invoice ids. */
  allocateInvoiceIds(count: number): Promise<string[]>;
  /**
   * Marks each claimed target's uninvoiced charges (of its period, and late ones of earlier closed
   * periods) with its invoice id, and answers exactly the marked charges, summed, by account.
   */
  claimCharges(claims: ClaimedTarget[]): Promise<Map<string, ChargeGroup[]>>;
  /** Gives claimed periods and their charges back, so they close once the cause is fixed. */
  release(claims: ClaimedTarget[]): Promise<void>;
  /** Stores the invoices as drafts. */
  insertInvoices(invoices: NewPeriodInvoice[]): Promise<void>;
}

export interface CloseUnitOfWork {
  /** How many closing transactions (of different customers) may run at once: 1 on the embedded database. */
  readonly parallelism: number;
  /**
   * Runs `work` in one closing transaction (REPEATABLE READ on a server). On a serialization
   * conflict the transaction is rolled back and `work` runs again, so it must only act through `tx`.
   */
  withTransaction<T>(work: (tx: CloseTransaction) => Promise<T>): Promise<T>;
}
