/**
 * Bookings and their outbox (booking_events). A change and its events commit in one transaction.
 * Events of one bridge are appended under a transaction-level advisory lock on that bridge, so their
 * ids (the cursors) grow in commit order: a watcher that has seen id N never later finds a committed
 * event of its bridge below N.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { Booking, BookingEvent, BookingEventType, BookingStatus } from '../app/bookings/booking';
import type {
  BookingStore,
  BookingTransaction,
  OverrunConference,
  ReconciliationQuery,
  ReconciliationReport,
  UnbookedConference,
  UpcomingFilter,
} from '../app/bookings/ports';
import type { Page } from '../app/customers/ports';
import type { RequestKey } from '../app/mutations';
import { decodePageToken, encodePageToken, isText, isTimestamp } from '../app/paging';
import type { Feature } from '../domain/cdr';
import type { Database } from './database';
import { json, once, rowsOf, toDate } from './sql-helpers';

interface BookingRow {
  id: string;
  external_reference: string | null;
  customer_account: string;
  bridge_id: string;
  title: string;
  scheduled_start: Date | string;
  expected_duration_seconds: number;
  time_zone: string;
  expected_participants: number;
  dial_out_numbers: string[];
  features: string[];
  host_code: string;
  participant_code: string;
  status: string;
  cancel_reason: string | null;
  version: number;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = `id, external_reference, customer_account, bridge_id, title, scheduled_start, expected_duration_seconds, time_zone,
  expected_participants, dial_out_numbers, features, host_code, participant_code, status, cancel_reason, version, created_at, updated_at`;

export function bookingFromRow(row: BookingRow): Booking {
  return {
    id: row.id,
    externalReference: row.external_reference ?? '',
    customerAccount: row.customer_account,
    bridgeId: row.bridge_id,
    title: row.title,
    scheduledStart: toDate(row.scheduled_start),
    expectedDurationSeconds: row.expected_duration_seconds,
    timeZone: row.time_zone,
    expectedParticipants: row.expected_participants,
    dialOutNumbers: row.dial_out_numbers ?? [],
    features: (row.features ?? []) as Feature[],
    hostCode: row.host_code,
    participantCode: row.participant_code,
    status: row.status as BookingStatus,
    cancelReason: row.cancel_reason ?? '',
    version: row.version,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

export function bookingToJson(b: Booking) {
  return {
    ...b,
    scheduledStart: b.scheduledStart.toISOString(),
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

export function bookingFromJson(j: ReturnType<typeof bookingToJson>): Booking {
  return {
    ...j,
    scheduledStart: new Date(j.scheduledStart),
    createdAt: new Date(j.createdAt),
    updatedAt: new Date(j.updatedAt),
  };
}

const bookingCodec = {
  encode: bookingToJson,
  decode: (s: unknown) => bookingFromJson(s as ReturnType<typeof bookingToJson>),
};

/** Arrays travel as one JSON parameter (knex would expand a JS array into many bindings). */
const TEXT_ARRAY = `array(select jsonb_array_elements_text(?::jsonb))::text[]`;

function values(b: Booking) {
  return [
    b.externalReference || null,
    b.customerAccount,
    b.bridgeId,
    b.title,
    b.scheduledStart.toISOString(),
    b.expectedDurationSeconds,
    b.timeZone,
    b.expectedParticipants,
    JSON.stringify(b.dialOutNumbers),
    JSON.stringify(b.features),
    b.hostCode,
    b.participantCode,
    b.status,
    b.cancelReason || null,
    b.version,
    b.createdAt.toISOString(),
    b.updatedAt.toISOString(),
  ];
}

class SqlBookingTransaction implements BookingTransaction {
  constructor(private readonly trx: Knex.Transaction) {}

  async customer(account: string) {
    const [row] = rowsOf<{ time_zone: string }>(
      await this.trx.raw(`select time_zone from customers where external_id = ? for share`, [account]),
    );
    return row && { timeZone: row.time_zone };
  }

  async lock(id: string) {
    const [row] = rowsOf<BookingRow>(
      await this.trx.raw(`select ${COLUMNS} from bookings where id = ? for update`, [id]),
    );
    return row && bookingFromRow(row);
  }

  async bookingWithReference(reference: string) {
    const [row] = rowsOf<{ id: string }>(
      await this.trx.raw(`select id from bookings where external_reference = ?`, [reference]),
    );
    return row?.id;
  }

  async insert(b: Booking) {
    await this.trx.raw(
      `insert into bookings (id, external_reference, customer_account, bridge_id, title, scheduled_start, expected_duration_seconds, time_zone,
         expected_participants, dial_out_numbers, features, host_code, participant_code, status, cancel_reason, version, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ${TEXT_ARRAY}, ${TEXT_ARRAY}, ?, ?, ?, ?, ?, ?, ?)`,
      [b.id, ...values(b)],
    );
  }

  async update(b: Booking) {
    await this.trx.raw(
      `update bookings set external_reference = ?, customer_account = ?, bridge_id = ?, title = ?, scheduled_start = ?,
         expected_duration_seconds = ?, time_zone = ?, expected_participants = ?, dial_out_numbers = ${TEXT_ARRAY},
         features = ${TEXT_ARRAY}, host_code = ?, participant_code = ?, status = ?, cancel_reason = ?, version = ?,
         created_at = ?, updated_at = ?
       where id = ?`,
      [...values(b), b.id],
    );
  }

  async publish(type: BookingEventType, booking: Booking, bridges: string[]) {
    const sorted = [...new Set(bridges)].sort();
    // Serialize appends per bridge until COMMIT, so cursor order is commit order (see the module comment).
    for (const bridge of sorted)
      await this.trx.raw(`select pg_advisory_xact_lock(hashtext(?))::text`, [`booking_events:${bridge}`]);
    await this.trx.raw(
      `insert into booking_events (bridge_id, booking_id, type, snapshot, occurred_at)
       select b, ?, ?, ?::jsonb, ? from jsonb_array_elements_text(?::jsonb) as b`,
      [
        booking.id,
        type,
        JSON.stringify(bookingToJson(booking)),
        booking.updatedAt.toISOString(),
        JSON.stringify(sorted),
      ],
    );
  }
}

export class PostgresBookingStore implements BookingStore {
  constructor(private readonly database: Database) {}

  private get knex() {
    return this.database.orm.em.getKnex();
  }

  mutate(key: RequestKey, work: (tx: BookingTransaction) => Promise<Booking>): Promise<Booking> {
    return this.knex.transaction((trx) =>
      once(trx, key, () => work(new SqlBookingTransaction(trx)), bookingCodec),
    );
  }

  async get(id: string) {
    const [row] = rowsOf<BookingRow>(
      await this.knex.raw(`select ${COLUMNS} from bookings where id = ?`, [id]),
    );
    return row && bookingFromRow(row);
  }

  async listUpcoming(filter: UpcomingFilter, size: number, pageToken?: string): Promise<Page<Booking>> {
    const after = decodePageToken(pageToken, [isTimestamp, isText]) as [string, string] | undefined;
    const where = ['scheduled_start >= ?'];
    const bindings: (string | number)[] = [filter.from.toISOString()];
    if (filter.to) (where.push('scheduled_start < ?'), bindings.push(filter.to.toISOString()));
    if (filter.bridgeId) (where.push('bridge_id = ?'), bindings.push(filter.bridgeId));
    if (filter.customerAccount) (where.push('customer_account = ?'), bindings.push(filter.customerAccount));
    if (!filter.includeCancelled) where.push(`status = 'SCHEDULED'`);
    if (after)
      (where.push('(scheduled_start, id) > (?::timestamptz, ?)'),
        bindings.push(String(after[0]), String(after[1])));
    const rows = rowsOf<BookingRow>(
      await this.knex.raw(
        `select ${COLUMNS} from bookings where ${where.join(' and ')} order by scheduled_start, id limit ?`,
        [...bindings, size + 1],
      ),
    );
    const shown = rows.slice(0, size).map(bookingFromRow);
    const last = shown[shown.length - 1];
    return {
      rows: shown,
      nextPageToken:
        rows.length > size && last ? encodePageToken([last.scheduledStart.toISOString(), last.id]) : '',
    };
  }

  async eventsAfter(bridgeId: string, afterCursor: string, limit: number): Promise<BookingEvent[]> {
    // Ordered by the bigint column, not the text alias `id`: as text '10' sorts before '9', which
    // delivered events out of order and moved a catching-up watcher's cursor past unsent events.
    const rows = rowsOf<{
      id: string;
      type: BookingEventType;
      snapshot: unknown;
      occurred_at: Date | string;
    }>(
      await this.knex.raw(
        `select id::text as id, type, snapshot, occurred_at from booking_events
         where bridge_id = ? and id > ?::bigint order by booking_events.id limit ?`,
        [bridgeId, afterCursor || '0', limit],
      ),
    );
    return rows.map((r) => ({
      cursor: r.id,
      type: r.type,
      booking: bookingFromJson(json(r.snapshot)),
      occurredAt: toDate(r.occurred_at),
    }));
  }

  async reconciliation(q: ReconciliationQuery): Promise<ReconciliationReport> {
    const knex = this.knex;
    const customer = q.customerAccount ?? '';
    const noShowRows = rowsOf<BookingRow>(
      await knex.raw(
        `select ${COLUMNS} from bookings b
         where b.status = 'SCHEDULED' and b.scheduled_start >= ? and b.scheduled_start < ? and (? = '' or b.customer_account = ?)
           and not exists (select 1 from cdrs c where c.booking_id = b.id)
         order by b.scheduled_start, b.id limit ?`,
        [q.start.toISOString(), q.end.toISOString(), customer, customer, q.limit + 1],
      ),
    );
    const unbookedRows = rowsOf<{
      bridge_id: string;
      conference_id: string;
      customer_account: string;
      unknown_booking_id: string;
      first_start: Date | string;
      last_end: Date | string;
      legs: number;
      minutes: string;
    }>(
      await knex.raw(
        `select c.bridge_id, c.conference_id, c.customer_account, coalesce(c.booking_id, '') as unknown_booking_id,
                min(c.start_time) as first_start, max(c.end_time) as last_end, count(*)::int as legs,
                round(sum(c.duration_seconds)::numeric / 60, 2)::text as minutes
         from cdrs c
         where c.start_time >= ? and c.start_time < ? and (? = '' or c.customer_account = ?) and c.customer_account <> ''
           and (c.booking_id is null or c.booking_id = '' or not exists (select 1 from bookings b where b.id = c.booking_id))
         group by c.bridge_id, c.conference_id, c.customer_account, coalesce(c.booking_id, '')
         order by min(c.start_time), c.bridge_id, c.conference_id limit ?`,
        [q.start.toISOString(), q.end.toISOString(), customer, customer, q.limit + 1],
      ),
    );
    const overrunRows = rowsOf<BookingRow & { actual_start: Date | string; actual_end: Date | string }>(
      await knex.raw(
        `select ${COLUMNS.split(',')
          .map((c) => `b.${c.trim()}`)
          .join(', ')}, a.actual_start, a.actual_end
         from bookings b
         join (select booking_id, min(start_time) as actual_start, max(end_time) as actual_end from cdrs
               where booking_id is not null group by booking_id) a on a.booking_id = b.id
         where b.scheduled_start >= ? and b.scheduled_start < ? and (? = '' or b.customer_account = ?)
           and a.actual_end > b.scheduled_start + make_interval(secs => b.expected_duration_seconds + ?::int)
         order by b.scheduled_start, b.id limit ?`,
        [
          q.start.toISOString(),
          q.end.toISOString(),
          customer,
          customer,
          q.overrunThresholdSeconds,
          q.limit + 1,
        ],
      ),
    );
    const callsWithoutBooking: UnbookedConference[] = unbookedRows.slice(0, q.limit).map((r) => ({
      bridgeId: r.bridge_id,
      conferenceId: r.conference_id,
      customerAccount: r.customer_account,
      unknownBookingId: r.unknown_booking_id,
      firstStart: toDate(r.first_start),
      lastEnd: toDate(r.last_end),
      legs: r.legs,
      minutes: r.minutes,
    }));
    const overruns: OverrunConference[] = overrunRows.slice(0, q.limit).map((r) => {
      const booking = bookingFromRow(r);
      const actualStart = toDate(r.actual_start);
      const actualEnd = toDate(r.actual_end);
      const actualDurationSeconds = Math.round((actualEnd.getTime() - actualStart.getTime()) / 1000);
      return {
        booking,
        actualStart,
        actualEnd,
        actualDurationSeconds,
        overrunSeconds: Math.max(0, actualDurationSeconds - booking.expectedDurationSeconds),
      };
    });
    return {
      noShows: noShowRows.slice(0, q.limit).map(bookingFromRow),
      callsWithoutBooking,
      overruns,
      truncated: noShowRows.length > q.limit || unbookedRows.length > q.limit || overrunRows.length > q.limit,
    };
  }
}
