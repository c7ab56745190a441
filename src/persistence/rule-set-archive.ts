/** Stores every rule set that went live (content hash, files, first load time), once each. */
import type { RuleSetArchive, RuleSetHistory, RuleSetSnapshot, RuleSetUsageRow } from '../app/rating/ports';
import { decodePageToken, encodePageToken, isText, pageScope } from '../app/paging';
import { CompiledRuleSet, type RuleSetSource } from '../domain/rating/index';
import type { Database } from './database';
import { rowsOf } from './sql-helpers';

export class PostgresRuleSetArchive implements RuleSetArchive, RuleSetHistory {
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

  usage(size: number, pageToken?: string): Promise<{ rows: RuleSetUsageRow[]; nextPageToken: string }> {
    return listRuleSetUsage(this.database, size, pageToken);
  }

  /** An archived rule set's source, as it was when it went live; undefined for an unknown hash. */
  async load(hash: string): Promise<RuleSetSource | undefined> {
    const rows = rowsOf<{ hash: string; files: RuleSetSnapshot['files'] }>(
      await this.database.orm.em.getKnex().raw(`select hash, files from rule_sets where hash = ?`, [hash]),
    );
    const row = rows[0];
    if (!row) return undefined;
    // The archive keeps the four files in RULE_SET_PARTS order (see snapshotsOf).
    const part = (i: number) => row.files[i]!;
    return {
      hash: row.hash,
      files: {
        ruleset: part(0).path,
        destinations: part(1).path,
        rates: part(2).path,
        calendar: part(3).path,
      },
      // Archived only after they passed every check, so they are these files' types.
      ruleset: JSON.parse(part(0).content) as RuleSetSource['ruleset'],
      destinations: JSON.parse(part(1).content) as RuleSetSource['destinations'],
      rates: JSON.parse(part(2).content) as RuleSetSource['rates'],
      calendar: JSON.parse(part(3).content) as RuleSetSource['calendar'],
    };
  }

  /** An archived rule set, compiled to price with (re-rates, explanations); undefined for an unknown hash. */
  async compiled(hash: string): Promise<CompiledRuleSet | undefined> {
    const source = await this.load(hash);
    return source && new CompiledRuleSet(source);
  }
}

/** Every archived rule set with how many current charges it priced, oldest first, keyset-paged. */
export async function listRuleSetUsage(
  database: Database,
  size: number,
  pageToken?: string,
): Promise<{ rows: RuleSetUsageRow[]; nextPageToken: string }> {
  // The key carries first_loaded_at as PostgreSQL's own text, to the microsecond: a JS Date would
  // cut it to milliseconds and page 2 would start again at the first row.
  // Scoped: another list's token would reach the query as a key it cannot read as an instant.
  const after = decodePageToken(pageToken, [isText, isText], pageScope('rule-sets')) as
    [string, string] | undefined;
  const result = await database.orm.em.getKnex().raw<{ rows: Record<string, unknown>[] }>(
    `select r.hash, r.name, r.version, r.effective_from, r.first_loaded_at, r.first_loaded_at::text as loaded_key, r.files,
            count(c.id)::text as charge_count, min(c.call_start) as first_charge_at, max(c.call_start) as last_charge_at
     from rule_sets r left join charges c on c.rule_set_hash = r.hash and c.superseded_at is null
     where ?::timestamptz is null or (r.first_loaded_at, r.hash) > (?::timestamptz, ?)
     group by r.hash order by r.first_loaded_at, r.hash limit ?`,
    [after?.[0] ?? null, after?.[0] ?? null, after?.[1] ?? null, size + 1],
  );
  const date = (v: unknown) => (v == null ? undefined : new Date(v as string));
  const rows = result.rows.slice(0, size).map((r) => ({
    hash: r.hash as string,
    name: r.name as string,
    version: r.version as string,
    effectiveFrom: date(r.effective_from)!,
    firstLoadedAt: date(r.first_loaded_at)!,
    files: (r.files as { path: string; sha256: string }[]).map(({ path, sha256 }) => ({ path, sha256 })),
    chargeCount: r.charge_count as string,
    firstChargeAt: date(r.first_charge_at),
    lastChargeAt: date(r.last_charge_at),
  }));
  const last = result.rows[size - 1];
  return {
    rows,
    nextPageToken:
      result.rows.length > size && last
        ? encodePageToken([last.loaded_key as string, last.hash as string], pageScope('rule-sets'))
        : '',
  };
}
