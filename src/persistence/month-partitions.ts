/**
 * Monthly partitions of cdrs and charges (migration MonthlyPartitions): a row can be stored only
 * when its month's partitions exist. The store calls `ensureMonths` before a batch; the months it
 * has seen are remembered, so the database is asked once per month per process. The DDL runs in
 * its own short transaction, never inside an ingest transaction, so ingest holds no lock on the
 * parent tables. A month dropped by retention while this process remembered it is created again
 * after the insert fails once (`forget`).
 */
import type { Knex } from '@mikro-orm/postgresql';

export class MonthPartitions {
  private readonly known = new Set<string>();

  /** Creates the partitions for every month of `times` that this process has not seen yet. */
  async ensureMonths(knex: Knex, times: readonly Date[]): Promise<void> {
    let from: Date | undefined;
    let to: Date | undefined;
    for (const t of times) {
      if (this.known.has(monthOf(t))) continue;
      if (!from || t < from) from = t;
      if (!to || t > to) to = t;
    }
    if (!from || !to) return;
    await knex.raw(`select billing_ensure_month_partitions(?::timestamptz, ?::timestamptz)`, [
      from.toISOString(),
      to.toISOString(),
    ]);
    for (const t of times) this.known.add(monthOf(t));
  }

  forget(): void {
    this.known.clear();
  }
}

/** PostgreSQL's message when no partition takes a row (SQLSTATE 23514, shared with CHECK). */
export function isMissingPartition(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /no partition of relation/.test(message);
}

function monthOf(t: Date): string {
  return `${t.getUTCFullYear()}-${t.getUTCMonth()}`;
}
