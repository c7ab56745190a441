/** A customer's contracts, latest first (by valid from, then signed). */
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { BillingCycle, type Contract } from '../../gen/es/billing/v1/customer_service_pb';
import { LoadView } from '../components/LoadView';
import { MoneyCell } from '../components/MoneyCell';
import { useLoad } from '../components/use-load';
import { enumLabel } from '../format/enum-label';
import { formatDecimal } from '../format/format-money';
import { formatDate } from '../format/format-time';
import { useSession } from '../session/session-context';
import { DataTable } from '../components/DataTable';

function latestFirst(a: Contract, b: Contract): number {
  const ms = (c: Contract) => (c.validFrom ? timestampMs(c.validFrom) : 0);
  const signed = (c: Contract) => (c.signedAt ? timestampMs(c.signedAt) : 0);
  return ms(b) - ms(a) || signed(b) - signed(a);
}

export function ContractList({ account }: { account: string }) {
  const { clients } = useSession();
  const [load] = useLoad(
    () => clients.customers.listContracts({ customerExternalId: account, pageSize: 100 }),
    [clients, account],
  );
  return (
    <section aria-labelledby="contracts-title" className="card">
      <h2 id="contracts-title">Contracts</h2>
      <LoadView load={load} isEmpty={(r) => r.contracts.length === 0} empty="No contracts.">
        {(r) => (
          <DataTable label="Contracts">
            <thead>
              <tr>
                <th scope="col">Contract</th>
                <th scope="col">Plan</th>
                <th scope="col">Valid</th>
                <th scope="col">Cycle</th>
                <th scope="col" className="num">
                  Discount %
                </th>
                <th scope="col" className="num">
                  Included min
                </th>
                <th scope="col" className="num">
                  Minimum
                </th>
              </tr>
            </thead>
            <tbody>
              {[...r.contracts].sort(latestFirst).map((c) => (
                <tr key={c.externalId}>
                  <td>
                    {c.externalId}
                    {c.specialPrices.length > 0 && (
                      <span className="hint"> ({c.specialPrices.length} special price(s))</span>
                    )}
                  </td>
                  <td>{c.pricePlan}</td>
                  <td>
                    {formatDate(c.validFrom)} – {c.validTo ? formatDate(c.validTo) : 'open'}
                  </td>
                  <td>{enumLabel(BillingCycle, c.billingCycle)}</td>
                  <td className="num">{c.discountPercent ? formatDecimal(c.discountPercent) : ''}</td>
                  <td className="num">{c.includedMinutes ? formatDecimal(c.includedMinutes) : ''}</td>
                  <MoneyCell money={c.minimumCommitment} />
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </LoadView>
    </section>
  );
}
