/**
 * What an embedded database directory holds for some bridges, read by opening it with PGlite
 * directly (not through the service, which might hide a broken row): the same answers as
 * stored-cdrs.ts gives for a PostgreSQL server. The directory must not be open elsewhere, and
 * opening it runs PostgreSQL's crash recovery and a shutdown checkpoint on it: to look at a
 * directory exactly as a killed process left it, without tidying it before the service's own
 * restart, pass a copy (`snapshotDirectory`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { StoredCdrs } from './stored-cdrs';

export async function storedCdrsInDirectory(pgdata: string, bridgeIds: string[]): Promise<StoredCdrs> {
  const db = new PGlite(pgdata);
  try {
    const keys = await db.query<{ key: string }>(`select bridge_id || '/' || record_id as key from cdrs where bridge_id = any($1)`, [bridgeIds]);
    const charges = await db.query<{ rated: number; wrong: number; orphan: number }>(
      `with current as (
         select c.id, c.rating_status, count(ch.id) filter (where ch.superseded_at is null) as n
         from cdrs c left join charges ch on ch.cdr_id = c.id
         where c.bridge_id = any($1) group by c.id, c.rating_status)
       select count(*) filter (where rating_status = 'rated')::int as rated,
              count(*) filter (where rating_status = 'rated' and n <> 1)::int as wrong,
              count(*) filter (where rating_status <> 'rated' and n > 0)::int as orphan
       from current`,
      [bridgeIds],
    );
    const row = charges.rows[0]!;
    return { keys: keys.rows.map((r) => r.key), rated: row.rated, ratedWithoutOneCurrentCharge: row.wrong, currentChargesOfUnratedCdrs: row.orphan };
  } finally {
    await db.close();
  }
}

/** A byte copy of a data directory nobody is writing (the service was just killed), in `into`. */
export function snapshotDirectory(pgdata: string, into: string): string {
  const copy = path.join(into, path.basename(pgdata));
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(pgdata, copy, { recursive: true });
  return copy;
}
