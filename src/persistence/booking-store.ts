/**
 * Bookings and their outbox (booking_events). A change and its events commit in one transaction:
 * the booking through the EntityManager of the transaction, the request key and the events in SQL.
 * Events of one bridge are appended under a transaction-level advisory lock on that bridge, so their
 * ids (the cursors) grow in commit order: a watcher that has seen id N never later finds a committed
 * event of its bridge below N.
 */
import { LockMode, type EntityManager, type Knex } from '@mikro-orm/postgresql';
import type { Booking, BookingEvent, BookingEventType, BookingStatus } from '../app/bookings/booking';
import type {
  BookingStore,
  BookingMismatch,
  BookingTransaction,
  OverrunConference,
  ReconciliationQuery,
  ReconciliationReport,
  UnbookedConference,
  UpcomingFilter,
} from '../app/bookings/ports';
import type { Page } from '../app/customers/ports';
import type { RequestKey } from '../app/mutations';
import { decodePageToken, encodePageToken, isText, isTimestamp, pageScope } from '../app/paging';
import type { Feature } from '../domain/cdr';
import type { Database } from './database';
import { BookingRecordSchema, type BookingRecord } from './entities/booking-record';
import { CustomerRecordSchema } from './entities/customer-record';
import { json, once, rowsOf, toDate } from './sql-helpers';

/** The entity as the domain's Booking. */
export function bookingFromRecord(r: BookingRecord): Booking {
  return {
    id: r.id,
    externalReference: r.externalReference ?? '',
    customerAccount: r.customerAccount,
    bridgeId: r.bridgeId,
    title: r.title,
    scheduledStart: r.scheduledStart,
    expectedDurationSeconds: r.expectedDurationSeconds,
    timeZone: r.timeZone,
    expectedParticipants: r.expectedParticipants,
    dialOutNumbers: r.dialOutNumbers ?? [],
    features: (r.features ?? []) as Feature[],
    hostCode: r.hostCode,
    participantCode: r.participantCode,
    status: r.status as BookingStatus,
    cancelReason: r.cancelReason ?? '',
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function recordOf(b: Booking): BookingRecord {
  return { ...b, externalReference: b.externalReference || null, cancelReason: b.cancelReason || null };
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

/** First key of the advisory locks on external references (an arbitrary constant: "bref"). */
const REFERENCE_LOCK_CLASS = 0x62726566;
/** First key of the advisory locks on a bridge's access codes (an arbitrary constant: "bcod"). */
const ACCESS_CODE_LOCK_CLASS = 0x62636f64;

class OrmBookingTransaction implements BookingTransaction {
  /** `em`: the transaction's EntityManager; `trx`: its knex transaction, for the outbox SQL. */
  constructor(
    private readonly em: EntityManager,
    private readonly trx: Knex.Transaction,
  ) {}

  async customer(account: string) {
    const row = await this.em.findOne(
      CustomerRecordSchema,
      { externalId: account },
      { fields: ['timeZone'], lockMode: LockMode.PESSIMISTIC_READ },
    );
    return row ? { timeZone: row.timeZone } : undefined;
  }

  async lock(id: string) {
    const row = await this.em.findOne(BookingRecordSchema, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    return row ? bookingFromRecord(row) : undefined;
  }

  async bookingWithReference(reference: string) {
    // Until COMMIT, so two writers of one reference take turns: the second one's read below sees the
    // first one's committed row (READ COMMITTED reads anew per statement) and is refused as a
    // sequential duplicate would be, instead of failing on bookings_external_reference_key.
    // The two-key form keeps these locks apart from the one-key bridge locks of `publish`.
    await this.trx.raw(`select pg_advisory_xact_lock(${REFERENCE_LOCK_CLASS}, hashtext(?))::text`, [
      reference,
    ]);
    const row = await this.em.findOne(
      BookingRecordSchema,
      { externalReference: reference },
      { fields: ['id'] },
    );
    return row?.id;
  }

  async codesInUse(q: { bridgeId: string; from: Date; to: Date; startsAfter: Date; exceptId?: string }) {
    await this.trx.raw(`select pg_advisory_xact_lock(${ACCESS_CODE_LOCK_CLASS}, hashtext(?))::text`, [
      q.bridgeId,
    ]);
    const rows = rowsOf<{ host_code: string; participant_code: string }>(
      await this.trx.raw(
        `select host_code, participant_code from bookings
         where bridge_id = ? and status = 'SCHEDULED' and id <> ?
           and scheduled_start > ?::timestamptz and scheduled_start < ?::timestamptz
           and scheduled_start + make_interval(secs => expected_duration_seconds) > ?::timestamptz`,
        [q.bridgeId, q.exceptId ?? '', q.startsAfter.toISOString(), q.to.toISOString(), q.from.toISOString()],
      ),
    );
    return new Set(rows.flatMap((r) => [r.host_code, r.participant_code]));
  }

  async insert(b: Booking) {
    await this.em.insert(BookingRecordSchema, recordOf(b));
  }

  async update(b: Booking) {
    const { id, ...changes } = recordOf(b);
    await this.em.nativeUpdate(BookingRecordSchema, { id }, changes);
  }

  // SQL: the per-bridge advisory lock and the fan-out insert keep cursor order = commit order.
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

/**
 * A call `c` of booking `b`'s own conference: it cites the booking from the booking's customer
 * account and bridge, and the booking stood when the call began. The rule of src/domain/cited-booking.ts, by which
 * pricing adds a booking's features to a call: a call citing a booking it cannot use is unbooked
 * there, and the reconciliation lists it as unbooked too.
 */
const OWN_CALL = `c.booking_id = b.id and c.customer_account = b.customer_account and c.bridge_id = b.bridge_id
                  and (b.status = 'SCHEDULED' or b.updated_at > c.start_time)`;

export class PostgresBookingStore implements BookingStore {
  constructor(private readonly database: Database) {}

  private get knex() {
    return this.database.orm.em.getKnex();
  }

  mutate(key: RequestKey, work: (tx: BookingTransaction) => Promise<Booking>): Promise<Booking> {
    return this.database.orm.em.fork().transactional((em) => {
      const trx = em.getTransactionContext<Knex.Transaction>()!;
      return once(trx, key, () => work(new OrmBookingTransaction(em, trx)), bookingCodec);
    });
  }

  async get(id: string) {
    const row = await this.database.orm.em.fork().findOne(BookingRecordSchema, { id });
    return row ? bookingFromRecord(row) : undefined;
  }

  async listUpcoming(filter: UpcomingFilter, size: number, pageToken?: string): Promise<Page<Booking>> {
    // A token continues the list of this bridge and customer only (a bridge token's own bridge).
    const scope = pageScope(
      'bookings',
      filter.bridgeId,
      filter.customerAccount,
      String(filter.includeCancelled),
    );
    const after = decodePageToken(pageToken, [isTimestamp, isText], scope) as [string, string] | undefined;
    const rows = await this.database.orm.em.fork().find(
      BookingRecordSchema,
      {
        scheduledStart: { $gte: filter.from, ...(filter.to && { $lt: filter.to }) },
        ...(filter.bridgeId && { bridgeId: filter.bridgeId }),
        ...(filter.customerAccount && { customerAccount: filter.customerAccount }),
        ...(!filter.includeCancelled && { status: 'SCHEDULED' }),
        // Keyset: after (scheduled_start, id) of the last row shown.
        ...(after && {
          $or: [
            { scheduledStart: { $gt: new Date(after[0]) } },
            { scheduledStart: new Date(after[0]), id: { $gt: after[1] } },
          ],
        }),
      },
      { orderBy: [{ scheduledStart: 'asc' }, { id: 'asc' }], limit: size + 1 },
    );
    const shown = rows.slice(0, size).map(bookingFromRecord);
    const last = shown[shown.length - 1];
    return {
      rows: shown,
      nextPageToken:
        rows.length > size && last
          ? encodePageToken([last.scheduledStart.toISOString(), last.id], scope)
          : '',
    };
  }

  async newestCursor(): Promise<string> {
    const [row] = rowsOf<{ id: string | null }>(
      await this.knex.raw(`select max(id)::text as id from booking_events`),
    );
    return row?.id ?? '';
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
    // SQL: reports joining the calls (cdrs has no entity); rows become entities through em.map.
    const knex = this.knex;
    const em = this.database.orm.em.fork();
    const asBooking = (row: Record<string, unknown>) => bookingFromRecord(em.map(BookingRecordSchema, row));
    const customer = q.customerAccount ?? '';
    // A no-show only once its booked time is over: a conference still running may yet be joined, and
    // a bridge sends a leg's CDR when the leg ends.
    const noShowRows = rowsOf<Record<string, unknown>>(
      await knex.raw(
        `select b.* from bookings b
         where b.status = 'SCHEDULED' and b.scheduled_start >= ? and b.scheduled_start < ? and (? = '' or b.customer_account = ?)
           and b.scheduled_start + make_interval(secs => b.expected_duration_seconds) <= ?
           and not exists (select 1 from cdrs c where ${OWN_CALL})
         order by b.scheduled_start, b.id limit ?`,
        [q.start.toISOString(), q.end.toISOString(), customer, customer, q.now.toISOString(), q.limit + 1],
      ),
    );
    const unbookedRows = rowsOf<{
      bridge_id: string;
      conference_id: string;
      customer_account: string;
      unknown_booking_id: string;
      mismatch: BookingMismatch;
      first_start: Date | string;
      last_end: Date | string;
      legs: number;
      minutes: string;
    }>(
      await knex.raw(
        `select c.bridge_id, c.conference_id, c.customer_account, coalesce(c.booking_id, '') as unknown_booking_id,
                case when coalesce(c.booking_id, '') = '' then 'NONE_CITED'
                     when b.id is null then 'UNKNOWN'
                     when b.customer_account <> c.customer_account then 'OTHER_CUSTOMER'
                     when b.bridge_id <> c.bridge_id then 'OTHER_BRIDGE'
                     else 'CANCELLED' end as mismatch,
                min(c.start_time) as first_start, max(c.end_time) as last_end, count(*)::int as legs,
                round(sum(c.duration_seconds)::numeric / 60, 2)::text as minutes
         from cdrs c left join bookings b on b.id = c.booking_id
         where c.start_time >= ? and c.start_time < ? and (? = '' or c.customer_account = ?) and c.customer_account <> ''
           and not (b.id is not null and ${OWN_CALL})
         group by 1, 2, 3, 4, 5
         order by min(c.start_time), c.bridge_id, c.conference_id limit ?`,
        [q.start.toISOString(), q.end.toISOString(), customer, customer, q.limit + 1],
      ),
    );
    // An overrun is a conference that ran longer than booked (its first leg's start to its last
    // leg's end, against expected_duration_seconds) by more than the threshold, as the API states:
    // not one that merely ended after the booked end (a late start), nor one that began early.
    const overrunRows = rowsOf<
      Record<string, unknown> & { actual_start: Date | string; actual_end: Date | string }
    >(
      await knex.raw(
        `select b.*, a.actual_start, a.actual_end
         from bookings b
         cross join lateral (select min(c.start_time) as actual_start, max(c.end_time) as actual_end
                             from cdrs c where ${OWN_CALL}) a
         where b.scheduled_start >= ? and b.scheduled_start < ? and (? = '' or b.customer_account = ?)
           and extract(epoch from a.actual_end - a.actual_start) > b.expected_duration_seconds + ?::bigint
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
      mismatch: r.mismatch,
      firstStart: toDate(r.first_start),
      lastEnd: toDate(r.last_end),
      legs: r.legs,
      minutes: r.minutes,
    }));
    const overruns: OverrunConference[] = overrunRows.slice(0, q.limit).map((r) => {
      const { actual_start, actual_end, ...row } = r;
      const booking = asBooking(row);
      const actualStart = toDate(actual_start);
      const actualEnd = toDate(actual_end);
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
      noShows: noShowRows.slice(0, q.limit).map(asBooking),
      callsWithoutBooking,
      overruns,
      truncated: noShowRows.length > q.limit || unbookedRows.length > q.limit || overrunRows.length > q.limit,
    };
  }
}
