/** The month's mailing list: the customers to send its invoices to, as a table and as a CSV file. */
import { useState, type FormEvent } from 'react';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { saveFile } from '../format/save-file';
import { useSession } from '../session/session-context';

export function MailingList() {
  const { clients } = useSession();
  const [month, setMonth] = useState('');
  // One call answers both the entries and the file: "Show" only shows, "Download" also saves.
  const list = useAction(async (download: boolean) => {
    const r = await clients.invoices.getMailingList({ period: month });
    if (download) saveFile(r.content, r.contentType, r.fileName);
    return r;
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void list.run(false);
  }
  const r = list.result;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="mailing-title">
      <h2 id="mailing-title">Mailing list</h2>
      <div className="row">
        <Field
          label="Month of the calls"
          field="period"
          violations={list.violations}
          hint="In each customer's time zone"
        >
          <input type="month" required value={month} onChange={(e) => setMonth(e.target.value)} />
        </Field>
        <button type="submit" disabled={list.running}>
          {list.running ? 'Loading…' : 'Show list'}
        </button>
        <button
          type="button"
          disabled={list.running}
          onClick={(e) => {
            // The month input's own check (required), as a submit would run it.
            if (e.currentTarget.form?.reportValidity() === false) return;
            void list.run(true);
          }}
        >
          Download CSV
        </button>
      </div>
      <OtherViolations violations={list.violations} shown={['period']} />
      <ErrorBanner error={list.error} />
      {r && (
        <div className="result">
          <h3>Customers ({r.entries.length})</h3>
          {r.entries.length === 0 ? (
            <p className="empty">No customer has charges in this month.</p>
          ) : (
            <DataTable label="Mailing list">
              <thead>
                <tr>
                  <th scope="col">Customer</th>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Address</th>
                  <th scope="col">Postal code</th>
                  <th scope="col">City</th>
                  <th scope="col">Country</th>
                </tr>
              </thead>
              <tbody>
                {r.entries.map((e) => (
                  <tr key={e.externalId}>
                    <td>{e.externalId}</td>
                    <td>{e.name}</td>
                    <td>{e.email}</td>
                    <td>
                      {e.addressLines.map((line, i) => (
                        <div key={i}>{line}</div>
                      ))}
                    </td>
                    <td>{e.postalCode}</td>
                    <td>{e.city}</td>
                    <td>{e.countryCode}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
        </div>
      )}
    </form>
  );
}
