/** The month's issued invoices and credit notes as an SIE 4 file for the bookkeeping program. */
import { useState, type FormEvent } from 'react';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { useAction } from '../components/use-action';
import { saveFile } from '../format/save-file';
import { useSession } from '../session/session-context';

export function BookkeepingExport() {
  const { clients } = useSession();
  const [month, setMonth] = useState('');
  const exp = useAction(async () => {
    const r = await clients.invoices.exportBookkeeping({ period: month });
    saveFile(r.content, r.contentType, r.fileName);
    return r;
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void exp.run();
  }
  return (
    <form className="card" onSubmit={submit} aria-labelledby="sie-title">
      <h2 id="sie-title">Bookkeeping export (SIE 4)</h2>
      <div className="row">
        <Field label="Month issued" field="period" violations={exp.violations}>
          <input type="month" required value={month} onChange={(e) => setMonth(e.target.value)} />
        </Field>
        <button type="submit" disabled={exp.running}>
          Download SIE file
        </button>
      </div>
      <ErrorBanner error={exp.error} />
    </form>
  );
}
