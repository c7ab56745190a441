/** CDRs the rules could not price, with the reason; retry them once the cause is fixed. */
import { useState, type FormEvent } from 'react';
import { AccessType } from '../../gen/es/billing/v1/common_pb';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { LoadView } from '../components/LoadView';
import { newRequestId } from '../components/new-request-id';
import { useAction } from '../components/use-action';
import { useLoad } from '../components/use-load';
import { enumLabel } from '../format/enum-label';
import { formatDateTime } from '../format/format-time';
import { useSession } from '../session/session-context';
import { can } from '../session/can';
import { DataTable } from '../components/DataTable';

const key = (bridgeId: string, recordId: string) => `${bridgeId}\u0000${recordId}`;

export function UnratedPage() {
  const { clients, role } = useSession();
  const [draft, setDraft] = useState('');
  const [customer, setCustomer] = useState('');
  const [pageToken, setPageToken] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [load, reload] = useLoad(
    () => clients.cdrs.listUnratedCdrs({ customerAccount: customer, pageSize: 100, pageToken }),
    [clients, customer, pageToken],
  );
  const retry = useAction((all: boolean) =>
    clients.cdrs.retryUnratedCdrs({
      requestId: newRequestId(),
      customerAccount: all ? customer : '',
      cdrKeys: all
        ? []
        : [...selected].map((k) => {
            const [bridgeId = '', recordId = ''] = k.split('\u0000');
            return { bridgeId, recordId };
          }),
    }),
  );
  async function runRetry(all: boolean) {
    if (await retry.run(all)) {
      setSelected(new Set());
      reload();
    }
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    setPageToken('');
    setSelected(new Set());
    setCustomer(draft.trim());
  }
  const mayRetry = can(role, 'CdrIngestService', 'RetryUnratedCdrs');
  return (
    <section aria-labelledby="unrated-title">
      <h1 id="unrated-title">Unrated CDRs</h1>
      <form className="filters" onSubmit={submit} aria-label="Filter unrated CDRs">
        <Field label="Customer account">
          <input type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </Field>
        <button type="submit">Filter</button>
      </form>
      {mayRetry && (
        <div className="actions">
          <button
            type="button"
            disabled={retry.running || selected.size === 0}
            onClick={() => void runRetry(false)}
          >
            Retry selected ({selected.size})
          </button>
          <button
            type="button"
            className="secondary"
            disabled={retry.running}
            onClick={() => void runRetry(true)}
          >
            {customer ? `Retry all of ${customer}` : 'Retry all'}
          </button>
        </div>
      )}
      <ErrorBanner error={retry.error} />
      {retry.result && (
        <p role="status" className="result">
          Retried {retry.result.retriedCount}: {retry.result.ratedCount} priced,{' '}
          {retry.result.stillUnratedCount} still unrated.
        </p>
      )}
      <LoadView load={load} isEmpty={(r) => r.unratedCdrs.length === 0} empty="No unrated CDRs.">
        {(r) => (
          <>
            <p>{r.totalCount} unrated in all.</p>
            <DataTable label="Unrated CDRs">
              <thead>
                <tr>
                  {mayRetry && (
                    <th scope="col">
                      <span className="visually-hidden">Select</span>
                    </th>
                  )}
                  <th scope="col">Bridge / record</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Access</th>
                  <th scope="col">Called</th>
                  <th scope="col">Start</th>
                  <th scope="col">Reason</th>
                  <th scope="col" className="num">
                    Attempts
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.unratedCdrs.map((u) => {
                  const k = key(u.cdr?.bridgeId ?? '', u.cdr?.recordId ?? '');
                  return (
                    <tr key={k}>
                      {mayRetry && (
                        <td>
                          <input
                            type="checkbox"
                            aria-label={`Select ${u.cdr?.bridgeId} ${u.cdr?.recordId}`}
                            checked={selected.has(k)}
                            onChange={(e) => {
                              const next = new Set(selected);
                              if (e.target.checked) next.add(k);
                              else next.delete(k);
                              setSelected(next);
                            }}
                          />
                        </td>
                      )}
                      <td className="mono">
                        {u.cdr?.bridgeId} / {u.cdr?.recordId}
                      </td>
                      <td>{u.cdr?.customerAccount}</td>
                      <td>{enumLabel(AccessType, u.cdr?.accessType ?? 0)}</td>
                      <td>{u.cdr?.calledNumber}</td>
                      <td>{formatDateTime(u.cdr?.startTime)}</td>
                      <td>{u.unratedReason}</td>
                      <td className="num">{u.attempts}</td>
                    </tr>
                  );
                })}
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
