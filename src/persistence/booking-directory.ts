/**
 * The bookings CDRs cite, for pricing the calls of a booked conference. SQL, not entities: ingest
 * asks once per batch, so one light query for all the batch's ids.
 */
import type { BookingDirectory } from '../app/ingest/ports';
import type { Feature } from '../domain/cdr';
import type { CitedBooking } from '../domain/cited-booking';
import type { Database } from './database';
import { rowsOf, toDate } from './sql-helpers';

export class PostgresBookingDirectory implements BookingDirectory {
  constructor(private readonly database: Database) {}

  async citedBookings(bookingIds: string[]): Promise<Map<string, CitedBooking>> {
    const rows = rowsOf<{
      id: string;
      customer_account: string;
      bridge_id: string;
      status: string;
      features: Feature[];
      cancelled_at: Date | string | null;
    }>(
      await this.database.orm.em.getKnex().raw(
        `select id, customer_account, bridge_id, status, features,
                case when status = 'CANCELLED' then updated_at end as cancelled_at from bookings
           where id in (select jsonb_array_elements_text(?::jsonb))`,
        [JSON.stringify(bookingIds)],
      ),
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          customerAccount: r.customer_account,
          bridgeId: r.bridge_id,
          status: r.status,
          features: r.features,
          ...(r.cancelled_at ? { cancelledAt: toDate(r.cancelled_at) } : {}),
        },
      ]),
    );
  }
}
