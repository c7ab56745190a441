/** Charges so far in the open period, by access type and zone (net, before period-level items and VAT). */
import { AccessType } from '../../gen/es/billing/v1/common_pb';
import { LoadView } from '../components/LoadView';
import { MoneyCell } from '../components/MoneyCell';
import { useLoad } from '../components/use-load';
import { enumLabel } from '../format/enum-label';
import { formatDecimal, formatMoney } from '../format/format-money';
import { formatDateTime, formatPeriod } from '../format/format-time';
import { useSession } from '../session/session-context';
import { DataTable } from '../components/DataTable';

export function RunningCharges({ account }: { account: string }) {
  const { clients } = useSession();
  const [load, reload] = useLoad(
    () => clients.invoices.getRunningCharges({ customerAccount: account }),
    [clients, account],
  );
  return (
    <section aria-labelledby="running-title" className="card">
      <h2 id="running-title">Running charges</h2>
      <LoadView load={load}>
        {(r) => (
          <>
            <p>
              Open period {formatPeriod(r.periodStart, r.periodEnd)}, as of {formatDateTime(r.asOf)}.{' '}
              <button type="button" className="secondary small" onClick={reload}>
                Refresh
              </button>
            </p>
            <p className="hint">Net so far, before period items (commitments, tiers) and VAT:</p>
            <p className="big" data-testid="running-total">
              {r.totals.length === 0 ? 'No charges yet' : r.totals.map((m) => formatMoney(m)).join(' + ')}
            </p>
            {r.unratedCount > 0 && (
              <p className="hint">
                {r.unratedCount} call leg(s) in the period are not priced yet and not included.
              </p>
            )}
            {r.breakdown.length > 0 && (
              <DataTable label="Running charges by access type and zone">
                <thead>
                  <tr>
                    <th scope="col">Access</th>
                    <th scope="col">Zone</th>
                    <th scope="col" className="num">
                      Calls
                    </th>
                    <th scope="col" className="num">
                      Minutes
                    </th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {r.breakdown.map((b) => (
                    <tr key={`${b.accessType}/${b.zone}`}>
                      <td>{enumLabel(AccessType, b.accessType)}</td>
                      <td>{b.zone}</td>
                      <td className="num">{b.calls}</td>
                      <td className="num">{formatDecimal(b.minutes)}</td>
                      <MoneyCell money={b.amount} />
                    </tr>
                  ))}
                </tbody>
              </DataTable>
            )}
          </>
        )}
      </LoadView>
    </section>
  );
}
