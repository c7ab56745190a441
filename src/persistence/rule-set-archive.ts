/** Stores every rule set that went live (content hash, files, first load time), once each. */
import type { RuleSetArchive, RuleSetSnapshot } from '../app/rating/rating-runtime';
import type { Database } from './database';

export class PostgresRuleSetArchive implements RuleSetArchive {
  private readonly known = new Set<string>();

  constructor(private readonly database: Database) {}

  async save(ruleSets: RuleSetSnapshot[]): Promise<void> {
    const fresh = ruleSets.filter((r) => !this.known.has(r.hash));
    if (!fresh.length) return;
    const payload = JSON.stringify(
      fresh.map((r) => ({
        hash: r.hash,
        name: r.name,
        version: r.version,
        effective_from: r.effectiveFrom.toISOString(),
        currency: r.currency,
        files: r.files,
      })),
    );
    await this.database.orm.em.getKnex().raw(
      `insert into rule_sets (hash, name, version, effective_from, currency, files)
       select hash, name, version, effective_from, currency, files
       from jsonb_to_recordset(?::jsonb) as x(hash text, name text, version text, effective_from timestamptz, currency text, files jsonb)
       on conflict (hash) do nothing`,
      [payload],
    );
    for (const r of fresh) this.known.add(r.hash);
  }
}
