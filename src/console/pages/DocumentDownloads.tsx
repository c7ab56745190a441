/** Download the invoice as PDF, and as a Peppol e-invoice once it is issued. */
import { DocumentFormat, InvoiceStatus, type Invoice } from '../../gen/es/billing/v1/invoice_service_pb';
import { ErrorBanner } from '../components/ErrorBanner';
import { useAction } from '../components/use-action';
import { saveFile } from '../format/save-file';
import { useSession } from '../session/session-context';

export function DocumentDownloads({ invoice }: { invoice: Invoice }) {
  const { clients } = useSession();
  const download = useAction(async (format: DocumentFormat) => {
    const r = await clients.invoices.renderInvoiceDocument({ invoiceId: invoice.id, format });
    saveFile(r.content, r.contentType, r.fileName);
    return r;
  });
  return (
    <div className="downloads">
      <button type="button" disabled={download.running} onClick={() => void download.run(DocumentFormat.PDF)}>
        Download PDF
      </button>
      {invoice.status === InvoiceStatus.ISSUED && (
        <button
          type="button"
          className="secondary"
          disabled={download.running}
          onClick={() => void download.run(DocumentFormat.UBL)}
        >
          Download e-invoice (Peppol XML)
        </button>
      )}
      <ErrorBanner error={download.error} />
    </div>
  );
}
