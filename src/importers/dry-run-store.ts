/**
 * What `import-cdrs --dry-run` hands to the ingest use case instead of the database, so a dry run
 * goes through exactly the same validation and in-run deduplication as a real run (and reports the
 * same accepted / duplicate / conflict / rejected counts a real run would on a database that holds
 * none of these records) while storing nothing.
 */
import type { Clock } from '../app/clock';
import type { IngestDeps } from '../app/ingest/ingest-cdrs';
import type { Cdr } from '../domain/cdr';
import type { CdrStore, CdrToStore, StoreOutcome } from '../app/ingest/ports';

/** Remembers the records of this run only, like a fresh table with the (bridge id, record id) key. */
export class DryRunCdrStore implements CdrStore {
  private readonly seen = new Map<string, { fingerprint: string; cdr: Cdr }>();

  insertBatch(rows: CdrToStore[]): Promise<StoreOutcome[]> {
    const outcomes = rows.map(({ cdr, fingerprint }): StoreOutcome => {
      const key = `${cdr.bridgeId}\u0000${cdr.recordId}`;
      const earlier = this.seen.get(key);
      if (earlier) return { inserted: false, storedFingerprint: earlier.fingerprint, stored: earlier.cdr };
      this.seen.set(key, { fingerprint, cdr });
      return { inserted: true };
    });
    return Promise.resolve(outcomes);
  }
}

/** Ingest dependencies for a dry run: nothing is priced (rules and customers live in the database). */
export function dryRunIngestDeps(clock: Clock): IngestDeps {
  return {
    now: () => clock.now(),
    store: new DryRunCdrStore(),
    rater: { rate: () => ({ rated: false, reason: 'dry run: not priced' }) },
  };
}
