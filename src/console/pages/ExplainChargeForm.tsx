/** Explain a stored call's charge: what it cost and how, in the words rating gave when it priced it. */
import { useState, type FormEvent } from 'react';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { formatMoney } from '../format/format-money';
import { useSession } from '../session/session-context';
import { QuoteExplanation } from './QuoteExplanation';

const SHOWN = ['cdr_key.bridge_id', 'cdr_key.record_id'];

export function ExplainChargeForm() {
  const { clients } = useSession();
  const [bridgeId, setBridgeId] = useState('');
  const [recordId, setRecordId] = useState('');
  const explain = useAction(() =>
    clients.rating.explainCharge({ cdrKey: { bridgeId: bridgeId.trim(), recordId: recordId.trim() } }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    void explain.run();
  }
  // After a failed lookup the charge explained before is not shown beside the error.
  const r = explain.error === undefined ? explain.result : undefined;
  return (
    <section className="card" aria-labelledby="explain-title">
      <h2 id="explain-title">Explain a charge</h2>
      <form onSubmit={submit} aria-label="Explain a charge">
        <div className="row">
          <Field label="Bridge id" field="cdr_key.bridge_id" violations={explain.violations}>
            <input type="text" required value={bridgeId} onChange={(e) => setBridgeId(e.target.value)} />
          </Field>
          <Field
            label="Record id"
            field="cdr_key.record_id"
            violations={explain.violations}
            hint="As the bridge sent it in the CDR"
          >
            <input type="text" required value={recordId} onChange={(e) => setRecordId(e.target.value)} />
          </Field>
        </div>
        <button type="submit" disabled={explain.running}>
          {explain.running ? 'Explaining…' : 'Explain'}
        </button>
        <OtherViolations violations={explain.violations} shown={SHOWN} />
        <ErrorBanner error={explain.error} />
      </form>
      {r && (
        <div className="result" role="status" aria-label="Explained charge">
          <p className="big">
            Charged <strong data-testid="charge-amount">{formatMoney(r.amount)}</strong>
            <span className="hint"> to {r.customerAccount}</span>
          </p>
          {r.explanation && <QuoteExplanation explanation={r.explanation} />}
        </div>
      )}
    </section>
  );
}
