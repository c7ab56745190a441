/** How a price was reached: the stored explanation's steps with running totals, then the details. */
import { Feature } from '../../gen/es/billing/v1/common_pb';
import type { RatingExplanation } from '../../gen/es/billing/v1/rating_service_pb';
import { MoneyCell } from '../components/MoneyCell';
import { enumLabel } from '../format/enum-label';
import { formatDecimal, formatMoney } from '../format/format-money';
import { formatDateTime } from '../format/format-time';
import { DataTable } from '../components/DataTable';

export function QuoteExplanation({ explanation: e }: { explanation: RatingExplanation }) {
  const runningTotals = e.steps.some((s) => s.runningTotal);
  const bandStarts = e.timeBands.some((b) => b.startTime);
  return (
    <div className="explanation">
      <h3>Explanation</h3>
      {e.summary && <p data-testid="explanation-summary">{e.summary}</p>}
      <DataTable label="Explanation steps">
        <thead>
          <tr>
            <th scope="col" className="num">
              Step
            </th>
            <th scope="col">What</th>
            <th scope="col" className="num">
              Amount
            </th>
            {runningTotals && (
              <th scope="col" className="num">
                Running total
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {e.steps.map((s, i) => (
            <tr key={i}>
              <td className="num">{i + 1}</td>
              <td>{s.text}</td>
              <MoneyCell money={s.amount} />
              {runningTotals && <MoneyCell money={s.runningTotal} />}
            </tr>
          ))}
        </tbody>
      </DataTable>
      <dl className="facts">
        <dt>Rule set</dt>
        <dd>
          {e.ruleSet?.name} {e.ruleSet?.version}
        </dd>
        <dt>Zone</dt>
        <dd>
          {e.zone || '—'}
          {e.matchedPrefix && ` (prefix ${e.matchedPrefix})`}
        </dd>
        <dt>Rules fired</dt>
        <dd>{e.firedRules.join(', ') || '—'}</dd>
        {e.increment && (
          <>
            <dt>Billing increment</dt>
            <dd>
              {e.increment.actualSeconds} s billed as {e.increment.billedSeconds} s (first{' '}
              {e.increment.firstIncrementSeconds} s, then per {e.increment.incrementSeconds} s)
            </dd>
          </>
        )}
        {e.connectFee && (
          <>
            <dt>Connect fee</dt>
            <dd>{formatMoney(e.connectFee)}</dd>
          </>
        )}
        {e.surcharges.length > 0 && (
          <>
            <dt>Surcharges</dt>
            <dd>
              {e.surcharges
                .map((s) => `${enumLabel(Feature, s.feature)} ${formatMoney(s.amount)}`)
                .join(', ')}
            </dd>
          </>
        )}
        {e.discountPercent && (
          <>
            <dt>Discount</dt>
            <dd>
              {formatDecimal(e.discountPercent)} % ({formatMoney(e.discount)})
              {e.contractExternalId && `, contract ${e.contractExternalId}`}
            </dd>
          </>
        )}
        {e.minimumApplied && (
          <>
            <dt>Minimum applied</dt>
            <dd>{formatMoney(e.minimumApplied)}</dd>
          </>
        )}
        {e.capApplied && (
          <>
            <dt>Maximum applied</dt>
            <dd>{formatMoney(e.capApplied)}</dd>
          </>
        )}
        {e.rounding && (
          <>
            <dt>Rounding</dt>
            <dd>{e.rounding}</dd>
          </>
        )}
      </dl>
      {e.timeBands.length > 0 && (
        <DataTable label="Time bands">
          <thead>
            <tr>
              <th scope="col">Band</th>
              {bandStarts && <th scope="col">Starts</th>}
              <th scope="col" className="num">
                Seconds
              </th>
              <th scope="col" className="num">
                Rate
              </th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {e.timeBands.map((b) => (
              <tr key={`${b.band}-${b.startTime?.seconds ?? ''}`}>
                <td>{b.band}</td>
                {bandStarts && <td>{formatDateTime(b.startTime)}</td>}
                <td className="num">{b.seconds}</td>
                <td className="num">
                  {formatMoney(b.rate)}
                  {b.rateUnitSeconds > 0 && ` / ${b.rateUnitSeconds} s`}
                </td>
                <MoneyCell money={b.amount} />
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </div>
  );
}
