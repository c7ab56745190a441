/**
 * Backtest: what a candidate rule set (uploaded files, or the active set) would have charged for the
 * stored calls of a past period, against their charges (RatingService.BacktestRuleSet). Reads only.
 */
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { useState, type FormEvent } from 'react';
import type { BacktestLine } from '../../gen/es/billing/v1/rating_service_pb';
import { DataTable } from '../components/DataTable';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { MoneyCell } from '../components/MoneyCell';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { formatDateTime } from '../format/format-time';
import { useSession } from '../session/session-context';

const SHOWN = ['start_time', 'end_time', 'customer_account', 'files'];

/** Local midnight of a picked day ("2026-10-01"), `addDays` later; undefined if none picked. */
function localMidnight(day: string, addDays = 0): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays) : undefined;
}

export function BacktestForm() {
  const { clients } = useSession();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [customer, setCustomer] = useState('');
  const [useActive, setUseActive] = useState(true);
  const [files, setFiles] = useState<File[]>([]);
  const backtest = useAction(async () => {
    const start = localMidnight(from);
    const end = localMidnight(to, 1); // the last day is included
    const candidate = useActive
      ? []
      : await Promise.all(
          files.map(async (f) => ({
            path: f.webkitRelativePath || f.name,
            content: new Uint8Array(await f.arrayBuffer()),
          })),
        );
    return clients.rating.backtestRuleSet({
      files: candidate,
      ...(start ? { startTime: timestampFromDate(start) } : {}),
      ...(end ? { endTime: timestampFromDate(end) } : {}),
      customerAccount: customer.trim(),
    });
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    void backtest.run();
  }
  const r = backtest.result;
  return (
    <section className="card" aria-labelledby="backtest-title">
      <h2 id="backtest-title">Backtest</h2>
      <form onSubmit={submit} aria-label="Backtest a rule set">
        <div className="row">
          <Field
            label="From"
            field="start_time"
            violations={backtest.violations}
            hint="First day (your time)"
          >
            <input type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />
          </Field>
          <Field label="To" field="end_time" violations={backtest.violations} hint="Last day, included">
            <input type="date" required value={to} onChange={(e) => setTo(e.target.value)} />
          </Field>
          <Field
            label="Customer account"
            field="customer_account"
            violations={backtest.violations}
            hint="Empty: every customer"
          >
            <input type="text" value={customer} onChange={(e) => setCustomer(e.target.value)} />
          </Field>
        </div>
        <fieldset>
          <legend>Candidate</legend>
          <label className="check">
            <input type="radio" name="candidate" checked={useActive} onChange={() => setUseActive(true)} />{' '}
            Active rule set
          </label>
          <label className="check">
            <input type="radio" name="candidate" checked={!useActive} onChange={() => setUseActive(false)} />{' '}
            Upload rule files
          </label>
          {!useActive && (
            <Field
              label="Rule files"
              field="files"
              violations={backtest.violations}
              hint="ruleset.json, destinations.json, rates.json, calendar.json of one rule set"
            >
              <input
                type="file"
                multiple
                accept=".json,application/json"
                onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
              />
            </Field>
          )}
        </fieldset>
        <button type="submit" disabled={backtest.running}>
          {backtest.running ? 'Running…' : 'Run backtest'}
        </button>
        <OtherViolations violations={backtest.violations} shown={SHOWN} />
        <ErrorBanner error={backtest.error} />
      </form>
      {r && (
        <div className="result" role="status" aria-label="Backtest result">
          <p className="big" data-testid="backtest-summary">
            {r.comparedCalls} calls compared, {r.changedCalls} changed, {r.unpriceableCalls} unpriceable
          </p>
          <DataTable label="Backtest by customer">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col" className="num">
                  Calls
                </th>
                <th scope="col" className="num">
                  Charged
                </th>
                <th scope="col" className="num">
                  Candidate
                </th>
                <th scope="col" className="num">
                  Difference
                </th>
                <th scope="col" className="num">
                  Unpriceable
                </th>
              </tr>
            </thead>
            <tbody>
              {r.customers.map((l) => (
                <LineRow key={`${l.customerAccount}:${l.charged?.currencyCode}`} line={l} />
              ))}
              {r.totals.map((l) => (
                <LineRow key={`total:${l.charged?.currencyCode}`} line={l} total />
              ))}
            </tbody>
          </DataTable>
          {r.changed.length > 0 && (
            <>
              <h3>
                Changed calls
                {r.changed.length < r.changedCalls && ` (first ${r.changed.length} of ${r.changedCalls})`}
              </h3>
              <DataTable label="Changed calls">
                <thead>
                  <tr>
                    <th scope="col">Call</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Start</th>
                    <th scope="col" className="num">
                      Charged
                    </th>
                    <th scope="col" className="num">
                      Candidate
                    </th>
                    <th scope="col">Candidate's explanation</th>
                  </tr>
                </thead>
                <tbody>
                  {r.changed.map((c) => (
                    <tr key={`${c.bridgeId}/${c.recordId}`}>
                      <td className="mono">
                        {c.bridgeId}/{c.recordId}
                      </td>
                      <td>{c.customerAccount}</td>
                      <td>{formatDateTime(c.startTime)}</td>
                      <MoneyCell money={c.charged} />
                      <MoneyCell money={c.candidate} />
                      <td>{c.summary}</td>
                    </tr>
                  ))}
                </tbody>
              </DataTable>
            </>
          )}
        </div>
      )}
    </section>
  );
}

function LineRow({ line, total = false }: { line: BacktestLine; total?: boolean }) {
  return (
    <tr>
      <td>{total ? <strong>Total</strong> : line.customerAccount}</td>
      <td className="num">{line.calls}</td>
      <MoneyCell money={line.charged} strong={total} />
      <MoneyCell money={line.candidate} strong={total} />
      <MoneyCell money={line.difference} strong={total} />
      <td className="num">{line.unpriceable}</td>
    </tr>
  );
}
