/** Bookings against calls for a month: no-shows, calls without a booking, and overruns. */
import { useState, type FormEvent } from 'react';
import { ErrorBanner } from '../components/ErrorBanner';
import { Field } from '../components/Field';
import { OtherViolations } from '../components/OtherViolations';
import { useAction } from '../components/use-action';
import { formatDecimal } from '../format/format-money';
import { formatDateTime } from '../format/format-time';
import { isMonth, monthUtc } from '../format/month-range';
import { useSession } from '../session/session-context';
import { DataTable } from '../components/DataTable';
import { BookingMismatch } from '../../gen/es/billing/v1/booking_service_pb';

/** Why cited bookings are not the conference's own, as the report's reader needs it said. */
const MISMATCH: Partial<Record<BookingMismatch, string>> = {
  [BookingMismatch.UNKNOWN]: 'unknown',
  [BookingMismatch.OTHER_CUSTOMER]: "another customer's",
  [BookingMismatch.OTHER_BRIDGE]: 'hosted on another bridge',
  [BookingMismatch.CANCELLED]: 'cancelled',
};

export function ReconciliationReport() {
  const { clients } = useSession();
  const [month, setMonth] = useState('');
  const [customer, setCustomer] = useState('');
  const [threshold, setThreshold] = useState('');
  const report = useAction(() =>
    clients.bookings.getReconciliationReport({
      ...(isMonth(month) ? { period: monthUtc(month) } : {}),
      customerAccount: customer.trim(),
      overrunThresholdSeconds: threshold === '' ? 0 : Number(threshold),
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    void report.run();
  }
  const r = report.result;
  return (
    <form className="card" onSubmit={submit} aria-labelledby="recon-title">
      <h2 id="recon-title">Reconciliation report</h2>
      <div className="row">
        <Field label="Month (UTC)" field="period" violations={report.violations}>
          <input type="month" required value={month} onChange={(e) => setMonth(e.target.value)} />
        </Field>
        <Field
          label="Customer account"
          field="customer_account"
          violations={report.violations}
          hint="Empty: all"
        >
          <input type="text" value={customer} onChange={(e) => setCustomer(e.target.value)} />
        </Field>
        <Field
          label="Overrun threshold (s)"
          field="overrun_threshold_seconds"
          violations={report.violations}
          hint="Empty: the default"
        >
          <input
            type="number"
            min="0"
            step="1"
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
          />
        </Field>
        <button type="submit" disabled={report.running}>
          {report.running ? 'Loading…' : 'Show report'}
        </button>
      </div>
      <OtherViolations
        violations={report.violations}
        shown={['period', 'customer_account', 'overrun_threshold_seconds']}
      />
      <ErrorBanner error={report.error} />
      {r && (
        <div className="result">
          {r.truncated && <p className="hint">The report is truncated; narrow it to one customer.</p>}
          <h3>No-shows ({r.noShows.length})</h3>
          {r.noShows.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <DataTable label="No-shows">
              <thead>
                <tr>
                  <th scope="col">Booking</th>
                  <th scope="col">Customer</th>
                  <th scope="col">Title</th>
                  <th scope="col">Scheduled</th>
                </tr>
              </thead>
              <tbody>
                {r.noShows.map((n) => (
                  <tr key={n.booking?.id}>
                    <td>{n.booking?.id}</td>
                    <td>{n.booking?.customerAccount}</td>
                    <td>{n.booking?.title}</td>
                    <td>{formatDateTime(n.booking?.scheduledStart)}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
          <h3>Calls without a booking ({r.callsWithoutBooking.length})</h3>
          {r.callsWithoutBooking.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <DataTable label="Calls without a booking">
              <thead>
                <tr>
                  <th scope="col">Bridge / conference</th>
                  <th scope="col">Customer</th>
                  <th scope="col">First start</th>
                  <th scope="col" className="num">
                    Legs
                  </th>
                  <th scope="col" className="num">
                    Minutes
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.callsWithoutBooking.map((c) => (
                  <tr key={`${c.bridgeId}/${c.conferenceId}`}>
                    <td>
                      {c.bridgeId} / {c.conferenceId}
                      {c.unknownBookingId && (
                        <span className="hint">
                          {' '}
                          (booking {c.unknownBookingId}: {MISMATCH[c.bookingMismatch] ?? 'not its own'})
                        </span>
                      )}
                    </td>
                    <td>{c.customerAccount}</td>
                    <td>{formatDateTime(c.firstStartTime)}</td>
                    <td className="num">{c.legCount}</td>
                    <td className="num">{formatDecimal(c.minutes)}</td>
                  </tr>
                ))}
              </tbody>
            </DataTable>
          )}
          <h3>Overruns ({r.overruns.length})</h3>
          {r.overruns.length === 0 ? (
            <p className="empty">None.</p>
          ) : (
            <DataTable label="Overruns">
              <thead>
                <tr>
                  <th scope="col">Booking</th>
                  <th scope="col">Customer</th>
                  <th scope="col" className="num">
                    Booked (min)
                  </th>
                  <th scope="col" className="num">
                    Actual (min)
                  </th>
                  <th scope="col" className="num">
                    Over (min)
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.overruns.map((o) => (
                  <tr key={o.booking?.id}>
                    <td>
                      {o.booking?.id} {o.booking?.title}
                    </td>
                    <td>{o.booking?.customerAccount}</td>
                    <td className="num">{minutes(o.booking?.expectedDurationSeconds ?? 0)}</td>
                    <td className="num">{minutes(o.actualDurationSeconds)}</td>
                    <td className="num">{minutes(o.overrunSeconds)}</td>
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

/** Whole seconds as minutes with one decimal: integer arithmetic on seconds, not money. */
function minutes(seconds: number): string {
  return formatDecimal(`${Math.floor(seconds / 60)}.${Math.floor(((seconds % 60) * 10) / 60)}`);
}
