/**
 * What re-rating needs from storage. The persistence layer implements it on PostgreSQL
 * (src/persistence/rerate-store.ts); everything runs in ONE transaction, so a rerate changes all of
 * its charges, totals, drafts and correction documents, or nothing.
 */
import type { Cdr } from '../../domain/cdr';
import type { InvoiceDraft } from '../../domain/invoicing/types';
import type { PricedCharge, PricedWith } from '../ingest/ports';
import type { RequestKey } from '../mutations';
import type { ChargeGroup, InvoiceKind, IssueOptions, StoredInvoice } from './ports';

/** A stored CDR of the rerated range with its current charge, if it has one. */
export interface RerateCall {
  cdrId: string;
  cdr: Cdr;
  charge?: { id: string; amount: string; currency: string; ruleSetHash: string; invoiceId?: string };
}

/** A new current charge for a CDR: supersedes `oldChargeId`, or is the first charge of an unrated CDR. */
export interface ChargeReplacement {
  cdrId: string;
  cdr: Cdr;
  oldChargeId?: string;
  charge: PricedCharge;
  /** What it was priced with (the contract of the call's time, booked features), stored beside it. */
  pricedWith: PricedWith;
}

/** What replace() did to one CDR: `invoiceId` is the invoice of the superseded charge when it was superseded. */
export interface ReplacedCharge {
  cdrId: string;
  invoiceId?: string;
}

export interface NewCorrection {
  kind: InvoiceKind;
  /** The issued invoice corrected. */
  invoice: StoredInvoice;
  draft: InvoiceDraft;
  series: string;
  reason?: string;
  /** Credit notes: per line, the invoice line it credits (when that line exists). */
  creditedLineNos?: (number | undefined)[];
}

export interface RerateTx {
  /**
   * Serializes rerates of one customer and locks its current charges and unrated CDRs of the range,
   * so that closing and issuing see either all of this rerate or none of it.
   */
  lock(account: string, from: Date, to: Date): Promise<void>;
  /** The CDRs with start in [from, to), by id, after `afterCdrId`, at most `limit`. */
  calls(account: string, from: Date, to: Date, afterCdrId: string, limit: number): Promise<RerateCall[]>;
  /**
   * Supersedes the old charges and stores the new ones; unrated CDRs among them become rated. A new
   * charge belongs to the invoice its old charge is on at the moment it is superseded (a close may
   * have claimed it since it was read). A CDR that a concurrent retry has priced meanwhile is left out.
   */
  replace(rows: ChargeReplacement[]): Promise<ReplacedCharge[]>;
  /** Adds the difference of every charge this transaction replaced to the running totals. */
  applyDailyTotalsDelta(): Promise<void>;
  /** The invoices, locked (in id order) against issuing and crediting. */
  lockInvoices(ids: string[]): Promise<StoredInvoice[]>;
  /**
   * An invoice's charges summed as closing sums them: as they are now (`after`), or as they were
   * before this transaction replaced some of them (`before`).
   */
  invoiceCharges(invoice: StoredInvoice, when: 'before' | 'after'): Promise<ChargeGroup[]>;
  /** Net billed so far for an invoice: its own net plus that of its issued credit notes and supplementary invoices. */
  billedNet(invoiceId: string): Promise<string>;
  /** Replaces a draft's content (lines, totals) with a rebuilt one. */
  replaceDraft(invoiceId: string, draft: InvoiceDraft): Promise<void>;
  insertCorrection(correction: NewCorrection): Promise<string>;
  issue(ids: string[], options: IssueOptions): Promise<void>;
  once<T>(key: RequestKey, run: () => Promise<T>): Promise<T>;
}

export interface RerateStore {
  /** Booking ids of the customer's CDRs in [from, to): their booked features are priced too. */
  bookingIds(account: string, from: Date, to: Date): Promise<string[]>;
  transaction<T>(fn: (tx: RerateTx) => Promise<T>): Promise<T>;
}
