/** Close a month: one draft (or issued) invoice per customer with charges; skipped customers say why. */
import { useState, type FormEvent } from 'react';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { newRequestId } from '../components/new-request-id';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { isMonth, middleOf } from '../format/month-range';
import { useSession } from '../session/session-context';
import { InvoiceTable } from './InvoicesPage';

export function ClosePeriodForm() {
  const { clients } = useSession();
  const [month, setMonth] = useState('');
  const [customer, setCustomer] = useState('');
  const [issue, setIssue] = useState(false);
  const close = useAction(() =>
    clients.invoices.closeBillingPeriod({
      requestId: newRequestId(),
      customerAccount: customer.trim(),
      period: isMonth(month) ? { case: 'periodContaining', value: middleOf(month) } : { case: undefined },
      issue,
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    void close.run();
  }
  const r = close.result;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="close-title">
      <h2 id="close-title">Close a billing period</h2>
      <div className="row">
        <Field label="Month" field="period" violations={close.violations}>
          <input type="month" required value={month} onChange={(e) => setMonth(e.target.value)} />
        </Field>
        <Field
          label="Customer account"
          field="customer_account"
          violations={close.violations}
          hint="Empty: every customer"
        >
          <input type="text" value={customer} onChange={(e) => setCustomer(e.target.value)} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={issue} onChange={(e) => setIssue(e.target.checked)} /> Issue the
          invoices at once
        </label>
        <button type="submit" disabled={close.running}>
          {close.running ? 'Closing…' : 'Close period'}
        </button>
      </div>
      <OtherViolations
        violations={close.violations}
        shown={['period', 'period_containing', 'customer_account']}
      />
      <ErrorBanner error={close.error} />
      {r && (
        <div role="status" className="result">
          <p>
            {r.invoices.length} invoice(s) for the period
            {r.skipped.length > 0 && `, ${r.skipped.length} customer(s) skipped`}.
          </p>
          {r.invoices.length > 0 && <InvoiceTable invoices={r.invoices} />}
          {r.skipped.length > 0 && (
            <ul aria-label="Skipped customers">
              {r.skipped.map((s) => (
                <li key={s.customerAccount}>
                  {s.customerAccount}: {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
