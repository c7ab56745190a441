/** Quote one call as the rules would price it, and show how the price was reached, step by step. */
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { useState, type FormEvent } from 'react';
import { AccessType, Feature } from '../../gen/es/billing/v1/common_pb';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { enumLabel } from '../format/enum-label';
import { formatMoney } from '../format/format-money';
import { useSession } from '../session/session-context';
import { QuoteExplanation } from './QuoteExplanation';

const ACCESS_TYPES = [
  AccessType.LOCAL_DIAL_IN,
  AccessType.TOLL_FREE_DIAL_IN,
  AccessType.DIAL_OUT,
  AccessType.WEB,
];
const FEATURES = [Feature.RECORDING, Feature.OPERATOR_ASSISTANCE, Feature.TRANSCRIPTION, Feature.STREAMING];
const SHOWN = [
  'customer_account',
  'access_type',
  'called_number',
  'start_time',
  'duration_seconds',
  'participants',
  'features',
];

export function QuoteForm() {
  const { clients } = useSession();
  const [customer, setCustomer] = useState('');
  const [accessType, setAccessType] = useState<AccessType>(AccessType.DIAL_OUT);
  const [calledNumber, setCalledNumber] = useState('');
  const [start, setStart] = useState('');
  const [duration, setDuration] = useState('60');
  const [participants, setParticipants] = useState('1');
  const [features, setFeatures] = useState<Feature[]>([]);
  const quote = useAction(() => {
    const startDate = start ? new Date(start) : undefined;
    return clients.rating.quoteCall({
      customerAccount: customer.trim(),
      accessType,
      calledNumber: calledNumber.trim(),
      ...(startDate && !Number.isNaN(startDate.getTime()) ? { startTime: timestampFromDate(startDate) } : {}),
      durationSeconds: wholeNumber(duration),
      participants: wholeNumber(participants),
      features,
    });
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void quote.run();
  }
  const r = quote.result;
  return (
    <section className="card" aria-labelledby="quote-title">
      <h2 id="quote-title">Quote a call</h2>
      <form onSubmit={submit} aria-label="Quote a call">
        <div className="row">
          <Field
            label="Customer account"
            field="customer_account"
            violations={quote.violations}
            hint="Empty: list prices"
          >
            <input type="text" value={customer} onChange={(e) => setCustomer(e.target.value)} />
          </Field>
          <Field label="Access type" field="access_type" violations={quote.violations}>
            <select value={accessType} onChange={(e) => setAccessType(Number(e.target.value))}>
              {ACCESS_TYPES.map((a) => (
                <option key={a} value={a}>
                  {enumLabel(AccessType, a)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Called number"
            field="called_number"
            violations={quote.violations}
            hint="E.164, e.g. +46701234567"
          >
            <input type="tel" value={calledNumber} onChange={(e) => setCalledNumber(e.target.value)} />
          </Field>
          <Field label="Start (your time)" field="start_time" violations={quote.violations}>
            <input type="datetime-local" required value={start} onChange={(e) => setStart(e.target.value)} />
          </Field>
          <Field label="Duration (s)" field="duration_seconds" violations={quote.violations}>
            <input
              type="number"
              min="0"
              step="1"
              value={duration}
              onChange={(e) => setDuration(e.target.value)}
            />
          </Field>
          <Field label="Participants" field="participants" violations={quote.violations}>
            <input
              type="number"
              min="1"
              step="1"
              value={participants}
              onChange={(e) => setParticipants(e.target.value)}
            />
          </Field>
        </div>
        <fieldset>
          <legend>Features</legend>
          {FEATURES.map((f) => (
            <label key={f} className="check">
              <input
                type="checkbox"
                checked={features.includes(f)}
                onChange={(e) =>
                  setFeatures(e.target.checked ? [...features, f] : features.filter((x) => x !== f))
                }
              />{' '}
              {enumLabel(Feature, f)}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={quote.running}>
          {quote.running ? 'Quoting…' : 'Quote'}
        </button>
        <OtherViolations violations={quote.violations} shown={SHOWN} />
        <ErrorBanner error={quote.error} />
      </form>
      {r && (
        <div className="result" role="status">
          <p className="big">
            Price <strong data-testid="quote-price">{formatMoney(r.price)}</strong>
            {r.pricePerParticipant && (
              <span className="hint"> ({formatMoney(r.pricePerParticipant)} per participant)</span>
            )}
          </p>
          {r.explanation && <QuoteExplanation explanation={r.explanation} />}
        </div>
      )}
    </section>
  );
}

/** A whole number from a number field (the browser's own validation keeps out the rest); 0 if empty. */
function wholeNumber(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : 0;
}
