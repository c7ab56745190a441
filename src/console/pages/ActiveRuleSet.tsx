/** The rule set in force now, its files, and the last reload that was refused (and why). */
import { LoadView } from '../components/LoadView';
import { useLoad } from '../components/use-load';
import { formatDateTime } from '../format/format-time';
import { useSession } from '../session/session-context';

export function ActiveRuleSet() {
  const { clients } = useSession();
  const [load] = useLoad(() => clients.rating.getActiveRuleSet({}), [clients]);
  return (
    <section className="card" aria-labelledby="active-title">
      <h2 id="active-title">Active rule set</h2>
      <LoadView load={load}>
        {(r) => (
          <>
            <dl className="facts">
              <dt>Name</dt>
              <dd data-testid="active-rule-set">
                {r.ruleSet?.ref?.name} {r.ruleSet?.ref?.version}
              </dd>
              <dt>Content hash</dt>
              <dd className="mono">{r.ruleSet?.ref?.contentHash}</dd>
              <dt>In force from</dt>
              <dd>{formatDateTime(r.ruleSet?.effectiveFrom)}</dd>
              <dt>Loaded</dt>
              <dd>{formatDateTime(r.ruleSet?.loadedAt)}</dd>
              <dt>Files</dt>
              <dd>{r.ruleSet?.files.map((f) => f.path).join(', ')}</dd>
            </dl>
            <h3>Last reload error</h3>
            {r.lastRefusedReload ? (
              <div className="error" role="alert">
                <p>
                  A reload at {formatDateTime(r.lastRefusedReload.attemptedAt)} was refused; the set above
                  stays live.
                </p>
                <ul>
                  {r.lastRefusedReload.violations.map((v) => (
                    <li key={`${v.file}:${v.jsonPath}:${v.reason}`}>
                      <span className="mono">
                        {v.file} {v.jsonPath}
                      </span>
                      : {v.reason}
                    </li>
                  ))}
                </ul>
              </div>
            ) : (
              <p className="empty">None: the last reload was accepted.</p>
            )}
          </>
        )}
      </LoadView>
    </section>
  );
}
