/**
 * What the database holds for some bridges, read with plain SQL: the stored keys, and the rated
 * CDRs whose number of current charges is not exactly one.
 */
import pg from 'pg';

export interface StoredCdrs {
  /** `bridge_id/record_id` of every stored row, duplicates included. */
  keys: string[];
  rated: number;
  /** Rated CDRs without exactly one charge where superseded_at is null. */
  ratedWithoutOneCurrentCharge: number;
  /** Current charges whose CDR is not rated (there should be none). */
  currentChargesOfUnratedCdrs: number;
}

/** The stored keys of some bridges ($1: their ids), duplicates included. */
export const STORED_KEYS_SQL = `select bridge_id || '/' || record_id as key from cdrs where bridge_id = any($1)`;

/** Rated CDRs, those without exactly one current charge, and current charges of unrated CDRs. */
export const CHARGE_COUNTS_SQL = `with current as (
   select c.id, c.rating_status, count(ch.id) filter (where ch.superseded_at is null) as n
   from cdrs c left join charges ch on ch.cdr_id = c.id and ch.call_start = c.start_time
   where c.bridge_id = any($1) group by c.id, c.rating_status)
 select count(*) filter (where rating_status = 'rated')::int as rated,
        count(*) filter (where rating_status = 'rated' and n <> 1)::int as wrong,
        count(*) filter (where rating_status <> 'rated' and n > 0)::int as orphan
 from current`;

export interface ChargeCounts {
  rated: number;
  wrong: number;
  orphan: number;
}

export async function storedCdrs(databaseUrl: string, bridgeIds: string[]): Promise<StoredCdrs> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const keys = await client.query<{ key: string }>(STORED_KEYS_SQL, [bridgeIds]);
    const charges = await client.query<ChargeCounts>(CHARGE_COUNTS_SQL, [bridgeIds]);
    const row = charges.rows[0]!;
    return {
      keys: keys.rows.map((r) => r.key),
      rated: row.rated,
      ratedWithoutOneCurrentCharge: row.wrong,
      currentChargesOfUnratedCdrs: row.orphan,
    };
  } finally {
    await client.end();
  }
}
