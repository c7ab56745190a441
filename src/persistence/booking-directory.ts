/**
 * Booked features per booking id, for pricing the calls of a booked conference. SQL, not entities:
 * ingest asks once per batch, so one light query for all the batch's ids.
 */
import type { BookingDirectory } from '../app/ingest/ports';
import type { Feature } from '../domain/cdr';
import type { Database } from './database';
import { rowsOf } from './sql-helpers';

export class PostgresBookingDirectory implements BookingDirectory {
  constructor(private readonly database: Database) {}

  async bookedFeatures(bookingIds: string[]): Promise<Map<string, Feature[]>> {
    const rows = rowsOf<{ id: string; features: Feature[] }>(
      await this.database.orm.em
        .getKnex()
        .raw(`select id, features from bookings where id in (select jsonb_array_elements_text(?::jsonb))`, [
          JSON.stringify(bookingIds),
        ]),
    );
    return new Map(rows.map((r) => [r.id, r.features]));
  }
}
