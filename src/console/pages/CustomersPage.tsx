/** Find a customer; open one to see running charges for the open period and contracts. */
import { useState, type FormEvent } from 'react';
import { Field } from '../components/Field';
import { LoadView } from '../components/LoadView';
import { useLoad } from '../components/use-load';
import { useSession } from '../session/session-context';
import { CustomerDetail } from './CustomerDetail';
import { DataTable } from '../components/DataTable';

export function CustomersPage({ account }: { account: string | undefined }) {
  if (account) return <CustomerDetail account={account} />;
  return <CustomerSearch />;
}

function CustomerSearch() {
  const { clients } = useSession();
  const [draft, setDraft] = useState(() => new URLSearchParams(location.search).get('q') ?? '');
  const [query, setQuery] = useState(draft);
  const [pageToken, setPageToken] = useState('');
  const [load] = useLoad(
    () => clients.customers.listCustomers({ query: query.trim(), pageSize: 50, pageToken }),
    [clients, query, pageToken],
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    setPageToken('');
    setQuery(draft);
  }
  return (
    <section aria-labelledby="customers-title">
      <h1 id="customers-title">Customers</h1>
      <form className="filters" role="search" onSubmit={submit} aria-label="Search customers">
        <Field label="Name or account">
          <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </Field>
        <button type="submit">Search</button>
      </form>
      <LoadView load={load} isEmpty={(r) => r.customers.length === 0} empty="No customers match.">
        {(r) => (
          <>
            <DataTable label="Customers">
              <thead>
                <tr>
                  <th scope="col">Account</th>
                  <th scope="col">Name</th>
                  <th scope="col">Country</th>
                  <th scope="col">Currency</th>
                  <th scope="col">Time zone</th>
                </tr>
              </thead>
              <tbody>
                {r.customers.map((c) => (
                  <tr key={c.externalId}>
                    <td>
                      <a href={`#/customers/${encodeURIComponent(c.externalId)}`}>{c.externalId}</a>
                    </td>
                    <td>{c.name}</td>
                    <td>{c.countryCode}</td>
                    <td>{c.currencyCode}</td>
                    <td>{c.timeZone}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
            {r.nextPageToken && (
              <div className="pager">
                <button type="button" className="secondary" onClick={() => setPageToken(r.nextPageToken)}>
                  Next page
                </button>
              </div>
            )}
          </>
        )}
      </LoadView>
    </section>
  );
}
