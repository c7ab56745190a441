/** One customer: its details, running charges for the open period, and contracts, latest first. */
import { LoadView } from '../components/LoadView';
import { useLoad } from '../components/use-load';
import { useSession } from '../session/session-context';
import { can } from '../session/can';
import { ContractList } from './ContractList';
import { RunningCharges } from './RunningCharges';

export function CustomerDetail({ account }: { account: string }) {
  const { clients, role } = useSession();
  const [load] = useLoad(() => clients.customers.getCustomer({ externalId: account }), [clients, account]);
  return (
    <section aria-labelledby="customer-title">
      <p>
        <a href="#/customers">← All customers</a>
      </p>
      <LoadView load={load}>
        {(r) => (
          <>
            <h1 id="customer-title">
              {r.customer?.name} <span className="hint">({account})</span>
            </h1>
            <dl className="facts">
              <dt>Email</dt>
              <dd>{r.customer?.email || '—'}</dd>
              <dt>VAT no.</dt>
              <dd>{r.customer?.vatNumber || '—'}</dd>
              <dt>Currency</dt>
              <dd>{r.customer?.currencyCode}</dd>
              <dt>Time zone</dt>
              <dd>{r.customer?.timeZone}</dd>
              <dt>Payment terms</dt>
              <dd>{r.customer?.paymentTermsDays} days</dd>
            </dl>
          </>
        )}
      </LoadView>
      {can(role, 'InvoiceService', 'GetRunningCharges') && <RunningCharges account={account} />}
      {can(role, 'CustomerService', 'ListContracts') && <ContractList account={account} />}
    </section>
  );
}
