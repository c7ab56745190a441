/**
 * Monthly partitions of cdrs and charges (migration MonthlyPartitions): a row can be stored only
 * when its month's partitions exist. The store calls `ensureMonths` before a batch; the months it
 * has seen are remembered, so the database is asked once per month per process. The DDL runs in
 * its own short transaction, never inside an ingest transaction, so ingest holds no lock on the
 * parent tables. A month dropped by retention while this process remembered it is created again
 * after the insert fails once (`forget`).
 *
 * Creating a partition locks its parent table exclusively, so it waits for every open reader, such
 * as a month-end close. Hence the two months after a batch's months are created ahead, each giving
 * up after AHEAD_LOCK_TIMEOUT (and tried again with a later batch), so a month is normally there
 * before its first CDR; a month a batch needs now waits at most NEEDED_LOCK_TIMEOUT, then the batch
 * fails and the bridge retries it.
 */
import type { Knex } from '@mikro-orm/postgresql';

const AHEAD_MONTHS = 2;
const AHEAD_LOCK_TIMEOUT = '200ms';
const NEEDED_LOCK_TIMEOUT = '10s';

export class MonthPartitions {
  private readonly known = new Set<number>();

  /** Creates the partitions of every month of `times` (and the two after) this process has not seen yet. */
  async ensureMonths(knex: Knex, times: readonly Date[]): Promise<void> {
    const needed = new Set<number>();
    for (const t of times) needed.add(monthIndex(t));
    if (!needed.size) return;
    for (const month of needed) {
      if (this.known.has(month)) continue;
      await createMonth(knex, month, NEEDED_LOCK_TIMEOUT);
      this.known.add(month);
    }
    const ahead = Math.max(...needed);
    for (let month = ahead + 1; month <= ahead + AHEAD_MONTHS; month++) {
      if (this.known.has(month)) continue;
      try {
        await createMonth(knex, month, AHEAD_LOCK_TIMEOUT);
        this.known.add(month);
      } catch {
        // Busy parent (a close reading it): a later batch tries again.
      }
    }
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

/** Months since year 0, UTC: consecutive integers for consecutive months. */
function monthIndex(t: Date): number {
  return t.getUTCFullYear() * 12 + t.getUTCMonth();
}

async function createMonth(knex: Knex, month: number, lockTimeout: string): Promise<void> {
  const first = new Date(Date.UTC(Math.floor(month / 12), month % 12, 1)).toISOString();
  await knex.transaction(async (trx) => {
    await trx.raw(`set local lock_timeout = '${lockTimeout}'`);
    await trx.raw(`select billing_ensure_month_partitions(?::timestamptz, ?::timestamptz)`, [first, first]);
  });
}
