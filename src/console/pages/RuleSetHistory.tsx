/** Every rule set that has been live, with how many charges each priced and when. */
import { LoadView } from '../components/LoadView';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../format/format-time';
import { useSession } from '../session/session-context';
import { DataTable } from '../components/DataTable';

export function RuleSetHistory() {
  const { clients } = useSession();
  const [load] = useLoad(() => clients.rating.listRuleSets({ pageSize: 100 }), [clients]);
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <LoadView load={load} isEmpty={(r) => r.ruleSets.length === 0} empty="No rule sets yet.">
        {(r) => (
          <DataTable label="Rule set history">
            <thead>
              <tr>
                <th scope="col">Rule set</th>
                <th scope="col">Hash</th>
                <th scope="col">In force from</th>
                <th scope="col" className="num">
                  Charges
                </th>
                <th scope="col">First / last charge</th>
              </tr>
            </thead>
            <tbody>
              {r.ruleSets.map((u) => (
                <tr key={u.ruleSet?.ref?.contentHash}>
                  <td>
                    {u.ruleSet?.ref?.name} {u.ruleSet?.ref?.version}
                  </td>
                  <td className="mono">{u.ruleSet?.ref?.contentHash.slice(0, 12)}</td>
                  <td>{formatDateTime(u.ruleSet?.effectiveFrom)}</td>
                  <td className="num">{u.chargeCount.toString()}</td>
                  <td>
                    {formatDateTime(u.firstChargeAt)}
                    {u.lastChargeAt && ` – ${formatDateTime(u.lastChargeAt)}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        )}
      </LoadView>
    </section>
  );
}
