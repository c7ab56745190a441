/** Issue a draft: it gets the next number of the series and never changes again. */
import { useState, type FormEvent } from 'react';
import type { Invoice } from '../../gen/es/billing/v1/invoice_service_pb';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { newRequestId } from '../components/new-request-id';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { useSession } from '../session/session-context';

export function IssueForm({ invoice, onIssued }: { invoice: Invoice; onIssued: () => void }) {
  const { clients } = useSession();
  const [issueDate, setIssueDate] = useState('');
  // One key per form: a retry after a lost answer does not issue twice.
  const [requestId] = useState(newRequestId);
  const issue = useAction(() =>
    clients.invoices.issueInvoice({ requestId, invoiceId: invoice.id, issueDate }),
  );
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await issue.run()) onIssued();
  }
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="Issue invoice">
      <Field label="Issue date" field="issue_date" violations={issue.violations} hint="Empty: today">
        <input type="date" value={issueDate} onChange={(e) => setIssueDate(e.target.value)} />
      </Field>
      <button type="submit" disabled={issue.running}>
        {issue.running ? 'Issuing…' : 'Issue invoice'}
      </button>
      <OtherViolations violations={issue.violations} shown={['issue_date']} />
      <ErrorBanner error={issue.error} />
    </form>
  );
}
