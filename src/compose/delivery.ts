/**
 * Document delivery wired up: the outbox in the database, the issued document rendered by the
 * invoicing use cases, and the directory sender (BILLING_OUTBOX_DIR). Built by the service; without
 * an outbox directory there is no worker and issued documents wait in the outbox as 'pending'.
 */
import path from 'node:path';
import type { Clock } from '../app/clock';
import type { DeliveryLog, DeliveryOutcome } from '../app/delivery/deliver-due-documents';
import { DeliveryWorker } from '../app/delivery/delivery-worker';
import type { DocumentSender, DocumentSource, OutboxStore } from '../app/delivery/ports';
import { DELIVERY_RETRY, type RetryPolicy } from '../app/delivery/retry-policy';
import type { InvoicingUseCases } from '../app/invoicing/invoicing-use-cases';
import { DirectorySender } from '../adapters/directory-sender';

/**
 * What is delivered for an issued document: its rendering, named `<number>.<extension of the
 * format>` (`INV-2026-000042.xml` for UBL).
 */
export function issuedDocumentSource(
  invoicing: Pick<InvoicingUseCases, 'getInvoice' | 'renderInvoiceDocument'>,
): DocumentSource {
  return async (invoiceId) => {
    const invoice = await invoicing.getInvoice({ id: invoiceId });
    if (invoice.status !== 'ISSUED' || !invoice.number)
      throw new Error(`document ${invoiceId} is not issued: only issued documents are delivered`);
    // A buyer with a Peppol address gets the e-invoice (UBL, with the PDF inside) for the access
    // point; one without gets the PDF, for whoever picks documents up by other routes (email).
    const format = invoice.document.buyer.electronicAddress ? 'ubl' : 'pdf';
    const rendered = await invoicing.renderInvoiceDocument({ invoiceId, format });
    return {
      number: invoice.number,
      fileName: `${invoice.number}${path.extname(rendered.fileName)}`,
      contentType: rendered.contentType,
      content: rendered.content,
    };
  };
}

export interface DeliveryParts {
  outbox: OutboxStore;
  invoicing: Pick<InvoicingUseCases, 'getInvoice' | 'renderInvoiceDocument'>;
  clock: Clock;
  log: DeliveryLog;
  /** BILLING_OUTBOX_DIR; undefined: no worker. */
  outboxDir: string | undefined;
  intervalMs: number;
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /** Tests replace the sender or the policy; the service uses the directory sender and DELIVERY_RETRY. */
  sender?: DocumentSender;
  policy?: RetryPolicy;
}

/** The delivery worker (not started), or undefined when no outbox directory is configured. */
export async function composeDeliveryWorker(parts: DeliveryParts): Promise<DeliveryWorker | undefined> {
  if (!parts.outboxDir) return undefined;
  let sender = parts.sender;
  if (!sender) {
    const directory = new DirectorySender(parts.outboxDir);
    await directory.check();
    sender = directory;
  }
  return new DeliveryWorker(
    {
      outbox: parts.outbox,
      source: issuedDocumentSource(parts.invoicing),
      sender,
      policy: parts.policy ?? DELIVERY_RETRY,
      now: () => parts.clock.now(),
      log: parts.log,
      onOutcome: parts.onOutcome,
    },
    parts.intervalMs,
  );
}
