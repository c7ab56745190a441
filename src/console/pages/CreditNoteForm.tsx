/** Credit an issued invoice, whole or some lines (optionally part of a line's quantity). */
import { useState, type FormEvent } from 'react';
import type { Invoice } from '../../gen/es/billing/v1/invoice_service_pb';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { newRequestId } from '../components/new-request-id';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { go } from '../components/use-route';
import { formatDecimal } from '../format/format-money';
import { useSession } from '../session/session-context';

export function CreditNoteForm({ invoice, onCreated }: { invoice: Invoice; onCreated: () => void }) {
  const { clients } = useSession();
  const [reason, setReason] = useState('');
  const [whole, setWhole] = useState(true);
  const [issueNow, setIssueNow] = useState(true);
  const [picked, setPicked] = useState<Record<number, string | undefined>>({});
  const [requestId, setRequestId] = useState(newRequestId);
  const create = useAction(() =>
    clients.invoices.createCreditNote({
      requestId,
      invoice: { case: 'invoiceId', value: invoice.id },
      reason,
      issue: issueNow,
      lines: whole ? [] : pickedNumbers.map((n) => ({ lineNumber: n, quantity: (picked[n] ?? '').trim() })),
    }),
  );
  // Request lines go in line order; a violation of lines[i] belongs to the i-th picked line.
  const pickedNumbers = Object.keys(picked)
    .map(Number)
    .filter((n) => picked[n] !== undefined)
    .sort((a, b) => a - b);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const r = await create.run();
    if (r?.creditNote) {
      setRequestId(newRequestId());
      onCreated();
      go('invoices', r.creditNote.id);
    }
  }
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="credit-title">
      <h2 id="credit-title">Create a credit note</h2>
      <Field label="Reason (printed on the credit note)" field="reason" violations={create.violations}>
        <input type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <fieldset>
        <legend>What to credit</legend>
        <label className="check">
          <input type="radio" name="scope" checked={whole} onChange={() => setWhole(true)} /> The whole
          invoice
        </label>
        <label className="check">
          <input type="radio" name="scope" checked={!whole} onChange={() => setWhole(false)} /> Some lines
        </label>
      </fieldset>
      {!whole && (
        <ul className="credit-lines">
          {invoice.lines.map((l) => (
            <li key={l.lineNumber}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={picked[l.lineNumber] !== undefined}
                  onChange={(e) =>
                    setPicked({ ...picked, [l.lineNumber]: e.target.checked ? '' : undefined })
                  }
                />{' '}
                Line {l.lineNumber}: {l.description} ({formatDecimal(l.quantity)} {l.unit})
              </label>
              {picked[l.lineNumber] !== undefined && (
                <Field
                  label={`Quantity to credit on line ${l.lineNumber} (empty: all)`}
                  field={`lines[${pickedNumbers.indexOf(l.lineNumber)}]`}
                  violations={create.violations}
                >
                  <input
                    type="text"
                    inputMode="decimal"
                    value={picked[l.lineNumber]}
                    onChange={(e) => setPicked({ ...picked, [l.lineNumber]: e.target.value })}
                  />
                </Field>
              )}
            </li>
          ))}
        </ul>
      )}
      <label className="check">
        <input type="checkbox" checked={issueNow} onChange={(e) => setIssueNow(e.target.checked)} /> Issue it
        at once
      </label>
      <div>
        <button type="submit" disabled={create.running}>
          {create.running ? 'Creating…' : 'Create credit note'}
        </button>
      </div>
      <OtherViolations violations={create.violations} shown={['reason', 'lines']} />
      <ErrorBanner error={create.error} />
    </form>
  );
}
