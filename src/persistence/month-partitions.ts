/**
 * Monthly partitions of cdrs and charges (migration MonthlyPartitions): a row can be stored only
 * when its month's partitions exist.
 *
 * Creating a partition locks its parent table exclusively: it waits for every open transaction on
 * the table (each ingest batch, a month-end close), and every insert queued behind it waits too.
 * So ingest never creates months ahead of time; `createMonthsAhead` does, from the partition upkeep
 * job (partition-upkeep.ts) at start-up and every hour, for this month and the next two, each try
 * giving up after AHEAD_LOCK_TIMEOUT so a busy table costs ingest at most that once an hour. A
 * month is thus there weeks before its first CDR.
 *
 * What ingest still does (`ensureMonths`): a batch with a month this process has not seen yet (a
 * late CDR from months ago, or a fresh database) creates it before its transaction starts, waiting
 * at most NEEDED_LOCK_TIMEOUT, after which the batch fails and the bridge retries it. The months a
 * process has seen are remembered, so the database is asked once per month per process; a month
 * dropped by retention while remembered is created again after the insert fails once (`forget`).
 */
import type { Knex } from '@mikro-orm/postgresql';

/** How many months after the current one the upkeep keeps ready. */
export const AHEAD_MONTHS = 2;
const AHEAD_LOCK_TIMEOUT = '200ms';
const NEEDED_LOCK_TIMEOUT = '10s';

/**
 * Creates the partitions of `now`'s UTC month and the AHEAD_MONTHS after it that are missing.
 * Returns the months (YYYY-MM) it could not create because the tables were busy; the next run
 * tries again. Any other failure is thrown after every month has been tried.
 */
export async function createMonthsAhead(knex: Knex, now: Date): Promise<string[]> {
  const busy: string[] = [];
  let failure: Error | undefined;
  const current = monthIndex(now);
  for (let month = current; month <= current + AHEAD_MONTHS; month++) {
    try {
      await createMonth(knex, month, AHEAD_LOCK_TIMEOUT);
    } catch (error) {
      if (isLockTimeout(error)) busy.push(firstDay(month).slice(0, 7));
      else failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  if (failure !== undefined) throw failure;
  return busy;
}

export class MonthPartitions {
  private readonly known = new Set<number>();

  /** Creates the partitions of every month of `times` this process has not seen yet. */
  async ensureMonths(knex: Knex, times: readonly Date[]): Promise<void> {
    for (const t of times) {
      const month = monthIndex(t);
      if (this.known.has(month)) continue;
      await createMonth(knex, month, NEEDED_LOCK_TIMEOUT);
      this.known.add(month);
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

/** PostgreSQL's lock_not_available (55P03): lock_timeout ran out. */
function isLockTimeout(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '55P03';
}

function firstDay(month: number): string {
  return new Date(Date.UTC(Math.floor(month / 12), month % 12, 1)).toISOString();
}

async function createMonth(knex: Knex, month: number, lockTimeout: string): Promise<void> {
  const first = firstDay(month);
  await knex.transaction(async (trx) => {
    await trx.raw(`set local lock_timeout = '${lockTimeout}'`);
    await trx.raw(`select billing_ensure_month_partitions(?::timestamptz, ?::timestamptz)`, [first, first]);
  });
}
