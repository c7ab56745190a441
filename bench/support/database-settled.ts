/**
 * Waits until PostgreSQL has finished the upkeep a previous phase left behind (autovacuum and
 * analyze of the rows it just wrote), so a latency phase measures the service at a steady 1,000
 * CDRs/s and not the tail of the throughput phase sharing two cores with vacuum. Answers the
 * seconds waited, which the benchmark prints: the wait is part of what it reports, not hidden.
 */
import pg from 'pg';

export async function databaseSettled(url: string, limitSeconds = 180): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  try {
    let quiet = 0;
    while (quiet < 2 && performance.now() - started < limitSeconds * 1000) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
         where backend_type = 'autovacuum worker' and datname = current_database()`,
      );
      quiet = rows[0]!.n === 0 ? quiet + 1 : 0;
      if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await client.end();
  }
  return (performance.now() - started) / 1000;
}
