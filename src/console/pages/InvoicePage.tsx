/**
 * One invoice or credit note: parties, lines, VAT per rate, totals and its corrections; the PDF and
 * e-invoice downloads; issuing a draft and crediting an issued invoice for the roles that may.
 * `id` is the invoice id, or "no:NUMBER" for a link by number (credit notes, credited invoices).
 */
import { InvoiceKind, InvoiceStatus, type Invoice } from '../../gen/es/billing/v1/invoice_service_pb';
import { ErrorBanner } from '../components/ErrorBanner';
import { LoadView } from '../components/LoadView';
import { useLoad } from '../components/use-load';
import { enumLabel } from '../format/enum-label';
import { formatDateTime, formatPeriod } from '../format/format-time';
import { useSession } from '../session/session-context';
import { can } from '../session/can';
import { CreditNoteForm } from './CreditNoteForm';
import { DocumentDownloads } from './DocumentDownloads';
import { InvoiceLines } from './InvoiceLines';
import { InvoiceTotals } from './InvoiceTotals';
import { IssueForm } from './IssueForm';
import { PartyBlock } from './PartyBlock';

export function InvoicePage({ id }: { id: string }) {
  const { clients } = useSession();
  const [load, reload] = useLoad(
    () =>
      clients.invoices.getInvoice({
        key: id.startsWith('no:')
          ? { case: 'invoiceNumber', value: id.slice(3) }
          : { case: 'invoiceId', value: id },
      }),
    [clients, id],
  );
  return (
    <section aria-labelledby="invoice-title">
      <p>
        <a href="#/invoices">← All invoices</a>
      </p>
      <LoadView load={load}>
        {(r) =>
          r.invoice ? (
            <InvoiceView invoice={r.invoice} onChanged={reload} />
          ) : (
            <ErrorBanner error="Not found" />
          )
        }
      </LoadView>
    </section>
  );
}

function InvoiceView({ invoice, onChanged }: { invoice: Invoice; onChanged: () => void }) {
  const { role } = useSession();
  const kind = enumLabel(InvoiceKind, invoice.kind);
  const issued = invoice.status === InvoiceStatus.ISSUED;
  return (
    <>
      <h1 id="invoice-title">
        {kind} {invoice.number || '(draft)'}{' '}
        <span className={`badge ${issued ? 'issued' : 'draft'}`} data-testid="invoice-status">
          {enumLabel(InvoiceStatus, invoice.status)}
        </span>
      </h1>
      <dl className="facts">
        <dt>Customer</dt>
        <dd>
          <a href={`#/customers/${encodeURIComponent(invoice.customerAccount)}`}>{invoice.customerAccount}</a>
        </dd>
        <dt>Period</dt>
        <dd>{formatPeriod(invoice.periodStart, invoice.periodEnd)}</dd>
        <dt>Issue date</dt>
        <dd>{invoice.issueDate || '—'}</dd>
        <dt>Due date</dt>
        <dd>{invoice.dueDate || '—'}</dd>
        <dt>Currency</dt>
        <dd>{invoice.currencyCode}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(invoice.createdAt)}</dd>
      </dl>
      <Corrections invoice={invoice} />
      <div className="actions">
        <DocumentDownloads invoice={invoice} />
        {!issued && can(role, 'InvoiceService', 'IssueInvoice') && (
          <IssueForm invoice={invoice} onIssued={onChanged} />
        )}
      </div>
      <div className="parties">
        <PartyBlock title="Seller" party={invoice.seller} />
        <PartyBlock title="Buyer" party={invoice.buyer} />
      </div>
      <InvoiceLines invoice={invoice} />
      <InvoiceTotals invoice={invoice} />
      {issued && invoice.kind === InvoiceKind.INVOICE && can(role, 'InvoiceService', 'CreateCreditNote') && (
        <CreditNoteForm invoice={invoice} onCreated={onChanged} />
      )}
    </>
  );
}

function Corrections({ invoice }: { invoice: Invoice }) {
  const links = (numbers: string[]) =>
    numbers.map((n, i) => (
      <span key={n}>
        {i > 0 && ', '}
        <a href={`#/invoices/no:${encodeURIComponent(n)}`}>{n}</a>
      </span>
    ));
  const items = [
    invoice.creditedInvoiceNumber && (
      <li key="credited">
        Credits invoice {links([invoice.creditedInvoiceNumber])}
        {invoice.creditReason && <>: “{invoice.creditReason}”</>}
      </li>
    ),
    invoice.supplementedInvoiceNumber && (
      <li key="supplemented">Supplements invoice {links([invoice.supplementedInvoiceNumber])}</li>
    ),
    invoice.creditNoteNumbers.length > 0 && (
      <li key="cn">Credit notes: {links(invoice.creditNoteNumbers)}</li>
    ),
    invoice.supplementaryInvoiceNumbers.length > 0 && (
      <li key="sup">Supplementary invoices: {links(invoice.supplementaryInvoiceNumbers)}</li>
    ),
  ].filter(Boolean);
  if (items.length === 0) return null;
  return (
    <section aria-label="Corrections" className="corrections">
      <h2>Corrections</h2>
      <ul>{items}</ul>
    </section>
  );
}
