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
import { CHARGE_COUNTS_SQL, STORED_KEYS_SQL, type ChargeCounts, type StoredCdrs } from './stored-cdrs';

export async function storedCdrsInDirectory(pgdata: string, bridgeIds: string[]): Promise<StoredCdrs> {
  const db = new PGlite(pgdata);
  try {
    const keys = await db.query<{ key: string }>(STORED_KEYS_SQL, [bridgeIds]);
    const charges = await db.query<ChargeCounts>(CHARGE_COUNTS_SQL, [bridgeIds]);
    const row = charges.rows[0]!;
    return {
      keys: keys.rows.map((r) => r.key),
      rated: row.rated,
      ratedWithoutOneCurrentCharge: row.wrong,
      currentChargesOfUnratedCdrs: row.orphan,
    };
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
