/**
 * What the invoicing use cases need from storage, as interfaces. The persistence layer implements
 * them on PostgreSQL (src/persistence/invoice-store.ts; closing's unit of work: ./close-ports.ts); the rules (periods, lines, totals, credit
 * notes) stay in the pure domain (src/domain/invoicing, src/domain/periods).
 */
import type { AccessType } from '../../domain/cdr';
import type { CallSpecification } from '../../domain/invoicing/call-specification';
import type { CreditedSoFar } from '../../domain/invoicing/credit-note';
import type { ChargePart } from '../../domain/rating/charge-parts';
import type {
  AccountingCurrencyVat,
  InvoiceDraft,
  InvoiceLine,
  IssuedInvoiceDocument,
  SellerParty,
} from '../../domain/invoicing/types';
import type { BillingCycle, BillingPeriod } from '../../domain/periods/index';
import type { RequestKey } from '../mutations';

export type InvoiceKind = 'INVOICE' | 'CREDIT_NOTE';
export type InvoiceStatus = 'DRAFT' | 'ISSUED';

/** A customer as invoicing sees it: the buyer on the invoice, its zone, currency and contracts. */
export interface BillingCustomer {
  account: string;
  name: string;
  email?: string;
  vatNumber?: string;
  registrationNumber?: string;
  /** Peppol address for e-invoices (BT-49). */
  electronicAddress?: { scheme: string; id: string };
  /** The buyer's reference (BT-10). */
  buyerReference?: string;
  /** The buyer's order number (BT-13). */
  orderReference?: string;
  /** Usage lines by conference instead of by access type and zone. */
  lineGrouping?: 'access_type_zone' | 'conference';
  /** Invoices carry an appendix listing each call. */
  callSpecification?: boolean;
  countryCode?: string;
  currency: string;
  timeZone: string;
  paymentTermsDays: number;
  address: { lines?: string[]; postalCode?: string; city?: string; countryCode?: string };
  contracts: BillingContract[];
}

export interface BillingContract {
  /** The sales system's contract id: the contract reference (BT-12) on invoices billed under it. */
  externalId?: string;
  validFrom: Date;
  /** Exclusive; undefined = open-ended. */
  validTo?: Date;
  cycle: BillingCycle;
  anchorDay: number;
  /** The contract's price plan: selects the period pricing plan of the rule files. */
  pricePlan?: string;
  /** Decimal strings; "0" / undefined = none. */
  includedMinutes?: string;
  minimumCommitment?: string;
}

/**
 * What lays out a customer's billing periods: its time zone and each contract's validity, cycle
 * and anchor day. A BillingCustomer is one; running charges reads only this (a whole customer with
 * its contracts cost it more than its totals did).
 */
export interface PeriodTerms {
  timeZone: string;
  contracts: Pick<BillingContract, 'validFrom' | 'validTo' | 'cycle' | 'anchorDay'>[];
}

/** The charges of one customer and period, summed per (conference, access type, zone, currency). */
export interface ChargeGroup {
  /** "" : invoices group lines by access type and zone, so closing does not sum per conference. */
  conferenceId: string;
  accessType: AccessType;
  /** "" when the price does not depend on a zone. */
  zone: string;
  currency: string;
  calls: number;
  /** Sum of billed seconds, decimal string. */
  billedSeconds: string;
  /** Unrounded sum of the charges' amounts, decimal string. */
  amount: string;
  /** For a late charge of an earlier, already closed period: its call's start. */
  lateStart?: Date;
  /** The charges' priced parts, summed per kind, exact price, discount and feature. */
  parts: ChargeGroupPart[];
}

/** Priced parts of equal price summed over a group's charges: `quantity` is the sum. */
export type ChargeGroupPart = ChargePart;

export interface CloseTarget {
  customer: BillingCustomer;
  period: BillingPeriod;
}

/** What building decides for one target from its charges (./build-invoice.ts). */
export type BuildDecision =
  { kind: 'invoice'; draft: InvoiceDraft } | { kind: 'empty' } | { kind: 'skip'; reason: string };

export type CloseOutcome =
  | { account: string; periodKey: string; result: 'closed'; invoiceId?: string }
  | { account: string; periodKey: string; result: 'already_closed'; invoiceId?: string }
  | { account: string; periodKey: string; result: 'skipped'; reason: string };

export interface IssueOptions {
  series: string;
  /** YYYY-MM-DD; its year selects the counter. */
  issueDate: string;
  /**
   * The caller chose an earlier date than today (IssueInvoice's issue_date): it may not be before
   * the latest issue date of its series and year, for numbers follow their dates. Today's date, which
   * every other path takes, is not held to that: replicas' clocks may differ by moments around
   * midnight, and refusing a close or a rerate for it would help no one (the latest date is kept).
   */
  backdated?: boolean;
  /**
   * Called for each draft as it is numbered, inside the numbering transaction: what to record on it
   * (./issue-guard.ts). Throwing refuses the issue: the transaction rolls back, nothing is numbered.
   */
  stamp?: (doc: IssuingDocument) => IssueStamp;
  /**
   * When set, a draft whose stamp throws a FailedPreconditionError is left a draft and reported here
   * while the others are numbered (the scheduler: one EUR invoice without a rate must not hold back
   * the rest); when absent, the whole issue is refused.
   */
  onRefused?: (id: string, reason: string) => void;
}

/** A draft about to be numbered, as the issue guard sees it. */
export interface IssuingDocument {
  id: string;
  currency: string;
  /** The document's VAT total, decimal string. */
  vatTotal: string;
  seller: SellerParty;
  /**
   * Of a credit note: the invoice it credits, its issue date and the VAT in the accounting currency
   * recorded on it (absent when it had none), whose rate the credit note restates its VAT at.
   */
  credited?: { issueDate: string; accountingCurrencyVat?: AccountingCurrencyVat };
}

/** Recorded on the document together with its number. */
export interface IssueStamp {
  accountingCurrencyVat?: AccountingCurrencyVat;
  /**
   * The seller the document is issued by: the configured one, replacing the draft's snapshot (a
   * draft closed before BILLING_SELLER_FILE was set must not be numbered under the example seller).
   */
  seller?: SellerParty;
}

/** An invoice or credit note as stored, with its document. */
export interface StoredInvoice {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  series: string;
  number?: string;
  customerAccount: string;
  periodKey: string;
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  /** The document (status 'draft' with a provisional issue date for drafts). */
  document: InvoiceDraft | IssuedInvoiceDocument;
  /** Per line (same order as document.lines): calls behind it and, on credit notes, the credited line. */
  creditedLineNos: (number | undefined)[];
  creditedInvoiceId?: string;
  creditedInvoiceNumber?: string;
  creditReason?: string;
  creditNoteNumbers: string[];
  /** A supplementary invoice (issued by a rerate): the invoice it complements. */
  supplementsInvoiceId?: string;
  supplementedInvoiceNumber?: string;
  /** Of an invoice: the numbers of its issued supplementary invoices. */
  supplementaryInvoiceNumbers: string[];
  createdAt: Date;
  issuedAt?: Date;
}

export interface NewCreditNote {
  invoice: StoredInvoice;
  draft: InvoiceDraft;
  series: string;
  reason: string;
  /** Per line of the draft: the credited invoice line. */
  creditedLineNos: number[];
}

export interface InvoiceFilter {
  customerAccount?: string;
  periodStartFrom?: Date;
  periodStartTo?: Date;
  status?: InvoiceStatus;
  kind?: InvoiceKind;
}

export interface InvoicePage {
  invoices: StoredInvoice[];
  /** Sort key of the last row, when there may be more. */
  next?: [string, string];
}

export interface RunningTotalsRow {
  accessType: AccessType;
  zone: string;
  currency: string;
  calls: number;
  billedSeconds: string;
  amount: string;
}

/**
 * Which charges running charges count: those of calls starting in [start of the open period,
 * `until`). Whole local days [fromLocalDate, untilLocalDate) come from the daily totals; the day of
 * `until` ([untilDayStart, until), its local midnight on) from the current charges themselves.
 */
export interface RunningSpan {
  fromLocalDate: string;
  untilLocalDate: string;
  untilDayStart: Date;
  until: Date;
}

export interface InvoiceTx {
  /** The invoice, locked against concurrent credit notes and issuing (SELECT ... FOR UPDATE). */
  lockInvoice(id: string): Promise<StoredInvoice | undefined>;
  creditedSoFar(invoiceId: string): Promise<CreditedSoFar>;
  insertCreditNote(note: NewCreditNote): Promise<string>;
  /** Numbers the drafts (in the order given) from the locked counter row of (series, year). */
  issue(ids: string[], options: IssueOptions): Promise<void>;
  /** At most once per request key (see src/persistence/sql-helpers.ts `once`). */
  once(key: RequestKey, run: () => Promise<string>): Promise<string>;
}

/** Where one customer's closing stands (InvoiceStore.closingState). */
export interface CustomerClosingState {
  closedUntil?: Date;
  firstOpenCharge?: Date;
}

/** Every customer's closing state by account. */
export type ClosingState = ReadonlyMap<string, CustomerClosingState>;

/** When this installation began billing, and the zone whose day that was (./commitment-due.ts). */
export interface BillingBegan {
  at: Date;
  timeZone: string;
}

export interface InvoiceStore {
  /** Customers by account, or all when `accounts` is undefined. */
  customers(accounts?: string[]): Promise<BillingCustomer[]>;
  /**
   * Per customer: end of the latest closed period, and the start of its earliest uninvoiced charge
   * from then on (the whole history when none is closed).
   */
  closingState(): Promise<ClosingState>;
  /**
   * When billing began on this installation: recorded once, as `now` in `timeZone`, the first time
   * anything is charged or closed; undefined while nothing is. Not inferred from call times: one old
   * CDR imported must not move it back and bill every committed customer for years.
   */
  billingBegan(now: Date, timeZone: string): Promise<BillingBegan | undefined>;
  getInvoices(ids: string[]): Promise<StoredInvoice[]>;
  /**
   * The ids of period invoices closing left as drafts (neither credit notes nor supplementary
   * invoices) of periods ending at or before `endedBy`: oldest period first, then in id order.
   */
  periodDrafts(endedBy: Date): Promise<string[]>;
  findInvoiceId(key: { id?: string; number?: string }): Promise<string | undefined>;
  listInvoices(filter: InvoiceFilter, limit: number, after?: [string, string]): Promise<InvoicePage>;
  /** The customer's period terms; undefined when there is no such customer. */
  periodTerms(account: string): Promise<PeriodTerms | undefined>;
  runningTotals(account: string, span: RunningSpan): Promise<RunningTotalsRow[]>;
  unratedCount(account: string, from: Date, to: Date): Promise<number>;
  /** The calls an invoice bills, oldest first, at most `limit`, with the other party's number in full. */
  invoiceCalls(invoiceId: string, limit: number): Promise<CallSpecification>;
  /** One READ COMMITTED transaction, retried on a serialization conflict (so `fn` acts only through `tx`). */
  transaction<T>(fn: (tx: InvoiceTx) => Promise<T>): Promise<T>;
}

export type { CreditedSoFar, InvoiceLine };
