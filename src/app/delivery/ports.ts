/**
 * The ports of document delivery: the outbox of issued documents (filled by the database in the
 * transaction that numbers each document), where a document's bytes come from, and who sends them.
 */

/** One claimed outbox row: the document to deliver and the attempt this claim is. */
export interface OutboxClaim {
  invoiceId: string;
  invoiceNumber: string;
  /** Counting this one (a claim is an attempt begun, so a worker that dies mid-send still counts). */
  attempts: number;
}

export interface OutboxStore {
  /**
   * Up to `n` pending documents due at `now`, claimed for one lease (`leaseUntil`): no other worker,
   * in this process or another replica, claims them before it ends (`for update skip locked`).
   */
  claim(n: number, now: Date, leaseUntil: Date): Promise<OutboxClaim[]>;
  markDelivered(claim: OutboxClaim, result: { deliveredTo: string; format: string; at: Date }): Promise<void>;
  /**
   * Records a failed attempt: pending again at `retryAt`, or 'failed' for good when `retryAt` is
   * undefined. Ignored when another worker has claimed the document since (its attempts moved on).
   */
  markFailed(claim: OutboxClaim, failure: { error: string; retryAt: Date | undefined }): Promise<void>;
}

/** What is handed to a sender: the document as the receiver will store it. */
export interface OutgoingDocument {
  invoiceNumber: string;
  /** A plain file name (no directory), e.g. `INV-2026-000042.xml`. */
  fileName: string;
  contentType: string;
  content: Uint8Array;
}

export interface DocumentSender {
  /**
   * Delivers the document; resolves once the receiver has it durably. Sending a document that the
   * receiver already has (a retry after a crash) must succeed without delivering it twice.
   */
  send(doc: OutgoingDocument): Promise<{ deliveredTo: string; alreadyThere?: boolean }>;
}

/** The bytes of an issued document (the lead wires the format in the composition root). */
export type DocumentSource = (
  invoiceId: string,
) => Promise<{ fileName: string; contentType: string; content: Uint8Array; number: string }>;

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** An outbox row as operators see it (`billing outbox list`, metrics). */
export interface OutboxRow {
  invoiceId: string;
  invoiceNumber: string;
  kind: string;
  customerAccount: string;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date | undefined;
  lastError: string | undefined;
  deliveredAt: Date | undefined;
  deliveredTo: string | undefined;
  format: string | undefined;
  createdAt: Date;
}

/** Reading and repairing the outbox by hand. */
export interface OutboxAdmin {
  list(filter: { status?: OutboxStatus; limit: number }): Promise<OutboxRow[]>;
  /** Makes a 'failed' document pending again with a fresh attempt budget; false when none is failed under that number. */
  retry(invoiceNumber: string): Promise<boolean>;
  /** Documents waiting and given up on (the metrics gauge). */
  counts(): Promise<{ pending: number; failed: number }>;
}
