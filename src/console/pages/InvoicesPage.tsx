/** Invoices and credit notes, newest period first, filtered by status, period and customer. */
import { useState, type FormEvent } from 'react';
import { InvoiceKind, InvoiceStatus, type Invoice } from '../../gen/es/billing/v1/invoice_service_pb';
import { Field } from '../components/Field';
import { LoadView } from '../components/LoadView';
import { MoneyCell } from '../components/MoneyCell';
import { useLoad } from '../components/use-load';
import { enumLabel } from '../format/enum-label';
import { isMonth, periodStartsIn } from '../format/month-range';
import { formatPeriod } from '../format/format-time';
import { useSession } from '../session/session-context';
import { DataTable } from '../components/DataTable';

interface Filter {
  status: InvoiceStatus;
  month: string;
  customer: string;
}

export function InvoicesPage() {
  const { clients } = useSession();
  const [draft, setDraft] = useState<Filter>({ status: InvoiceStatus.UNSPECIFIED, month: '', customer: '' });
  const [filter, setFilter] = useState<Filter>(draft);
  const [pageToken, setPageToken] = useState('');
  const [load] = useLoad(
    () =>
      clients.invoices.listInvoices({
        pageSize: 50,
        pageToken,
        status: filter.status,
        customerAccount: filter.customer.trim(),
        ...(isMonth(filter.month) ? { periodStartRange: periodStartsIn(filter.month) } : {}),
      }),
    [clients, filter, pageToken],
  );
  function apply(event: FormEvent) {
    event.preventDefault();
    setPageToken('');
    setFilter(draft);
  }
  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">Invoices</h1>
      <form className="filters" onSubmit={apply} aria-label="Filter invoices">
        <Field label="Status">
          <select
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: Number(e.target.value) as InvoiceStatus })}
          >
            <option value={InvoiceStatus.UNSPECIFIED}>Any</option>
            <option value={InvoiceStatus.DRAFT}>Draft</option>
            <option value={InvoiceStatus.ISSUED}>Issued</option>
          </select>
        </Field>
        <Field label="Period starting in">
          <input
            type="month"
            value={draft.month}
            onChange={(e) => setDraft({ ...draft, month: e.target.value })}
          />
        </Field>
        <Field label="Customer account">
          <input
            type="search"
            value={draft.customer}
            onChange={(e) => setDraft({ ...draft, customer: e.target.value })}
          />
        </Field>
        <button type="submit">Filter</button>
      </form>
      <LoadView load={load} isEmpty={(r) => r.invoices.length === 0} empty="No invoices match.">
        {(r) => (
          <>
            <InvoiceTable invoices={r.invoices} />
            <div className="pager">
              {pageToken && (
                <button type="button" className="secondary" onClick={() => setPageToken('')}>
                  First page
                </button>
              )}
              {r.nextPageToken && (
                <button type="button" className="secondary" onClick={() => setPageToken(r.nextPageToken)}>
                  Next page
                </button>
              )}
            </div>
          </>
        )}
      </LoadView>
    </section>
  );
}

export function InvoiceTable({ invoices }: { invoices: Invoice[] }) {
  return (
    <DataTable>
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col">Kind</th>
          <th scope="col">Status</th>
          <th scope="col">Customer</th>
          <th scope="col">Period</th>
          <th scope="col" className="num">
            Net
          </th>
          <th scope="col" className="num">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((i) => (
          <tr key={i.id}>
            <td>
              <a href={`#/invoices/${encodeURIComponent(i.id)}`}>{i.number || 'Draft'}</a>
            </td>
            <td>{enumLabel(InvoiceKind, i.kind)}</td>
            <td>
              <span className={`badge ${i.status === InvoiceStatus.ISSUED ? 'issued' : 'draft'}`}>
                {enumLabel(InvoiceStatus, i.status)}
              </span>
            </td>
            <td>{i.customerAccount}</td>
            <td>{formatPeriod(i.periodStart, i.periodEnd)}</td>
            <MoneyCell money={i.netTotal} />
            <MoneyCell money={i.grossTotal} strong />
          </tr>
        ))}
      </tbody>
    </DataTable>
  );
}
