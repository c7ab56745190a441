/**
 * Tenancy over a real socket: a bridge token writes CDRs and reads bookings only for the bridges
 * it is bound to, and a booking's access codes reach only reservations, admin and the hosting
 * bridge. The service runs on its own tokens file (bridge tokens with bridgeIds).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClientFactory, Metadata, Status, type Client, type CompatServiceDefinition } from 'nice-grpc';
import { errorDetailsClientMiddleware } from 'nice-grpc-error-details';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ROLES, type Role } from '../../src/auth/roles';
import { TokenStore } from '../../src/auth/token-store';
import {
  BookingEventType,
  BookingServiceDefinition,
  BookingStatus,
  type Booking,
  type BookingEvent,
} from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { createCustomers } from '../support/customers';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';
import { ratesFileForToday } from '../support/exchange-rates';
import { streamOf } from '../support/stream-of';
import { answeredCall } from '../support/answered-call';

/** The tokens test-service hands out per role; the `bridge` one is bound here to two bridges. */
const roleToken = (role: Role) => `test-${role}-token-0123456789abcdef`;
const GBG_TOKEN = 'test-bridge-gbg-token-0123456789';

/** The system clock, moved ahead by `aheadMs` where a test needs a later "now". */
const clock = { aheadMs: 0, now: () => new Date(Date.now() + clock.aheadMs) };
let t: TestService;
let tokensDir: string;
beforeAll(async () => {
  tokensDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenancy-tokens-'));
  const file = path.join(tokensDir, 'tokens.json');
  const tokens = ROLES.map((role) => ({
    name: `test-${role}`,
    role,
    token: roleToken(role),
    ...(role === 'bridge' ? { bridgeIds: ['sto-1', 'sto-2'] } : {}),
  }));
  tokens.push({ name: 'bridge-gbg', role: 'bridge', token: GBG_TOKEN, bridgeIds: ['gbg-1'] });
  fs.writeFileSync(file, JSON.stringify({ tokens }));
  t = await startTestService({
    clock,
    env: { BILLING_TOKENS_FILE: file, BILLING_EXCHANGE_RATES_FILE: ratesFileForToday() },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['TEN-1']);
});
afterAll(async () => {
  await t?.stop();
  fs.rmSync(tokensDir, { recursive: true, force: true });
});

function gbgClient<D extends CompatServiceDefinition>(definition: D): Client<D> {
  const metadata = new Metadata({ authorization: `Bearer ${GBG_TOKEN}` });
  return createClientFactory()
    .use(errorDetailsClientMiddleware)
    .create(definition, t.channel, { '*': { metadata } });
}

const HOUR = 3600_000;

function cdr(bridgeId: string, recordId: string): Cdr {
  return answeredCall({
    bridgeId,
    recordId,
    conferenceId: 'conf-1',
    customerAccount: 'TEN-1',
    accessType: AccessType.ACCESS_TYPE_WEB,
    start: new Date(Date.now() - 2 * HOUR),
    seconds: 60,
  });
}

async function storedRecordIds(prefix: string): Promise<string[]> {
  const knex = t.service.database.orm.em.getKnex();
  const result = await knex.raw<{ rows: { record_id: string }[] }>(
    `select record_id from cdrs where record_id like ? order by record_id`,
    [`${prefix}%`],
  );
  return result.rows.map((r) => r.record_id);
}

let seq = 0;
async function book(bridgeId: string, overrides: Partial<Booking> = {}): Promise<Booking> {
  const { booking } = await t.client(BookingServiceDefinition, 'reservations').createBooking({
    requestId: `ten-book-${++seq}`,
    booking: {
      id: '',
      externalReference: '',
      customerAccount: 'TEN-1',
      bridgeId,
      title: 'board call',
      scheduledStart: new Date(Date.now() + 3 * HOUR + seq * 60_000),
      expectedDurationSeconds: 1800,
      timeZone: '',
      expectedParticipants: 3,
      dialOutNumbers: [],
      features: [],
      hostCode: '',
      participantCode: '',
      status: BookingStatus.BOOKING_STATUS_UNSPECIFIED,
      cancelReason: '',
      version: 0,
      ...overrides,
    },
  });
  return booking!;
}

/** Collects the events of a watch stream about one booking (or any, when empty) until `count` arrived, then leaves. */
async function watch(
  client: Client<typeof BookingServiceDefinition>,
  bridgeId: string,
  count: number,
  bookingId = '',
): Promise<BookingEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const events: BookingEvent[] = [];
  try {
    for await (const m of client.watchBookings(
      { bridgeId, afterCursor: '' },
      { signal: controller.signal },
    )) {
      if (!bookingId || m.event!.booking!.id === bookingId) events.push(m.event!);
      if (events.length === count) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return events;
}

describe('the tokens file', () => {
  it('refuses a bridge token without bridge ids, and bridge ids on any other role, naming the entry', () => {
    const token = 'a-token-of-sixteen-chars';
    expect(() => TokenStore.fromEntries([{ name: 'b', role: 'bridge', token }])).toThrow(
      'tokens[0].bridgeIds: a bridge token must list the bridge ids it may act for',
    );
    expect(() => TokenStore.fromEntries([{ name: 'b', role: 'bridge', token, bridgeIds: [] }])).toThrow(
      'tokens[0].bridgeIds',
    );
    expect(() =>
      TokenStore.fromEntries([{ name: 'b', role: 'bridge', token, bridgeIds: ['sto-1', ''] }]),
    ).toThrow('tokens[0].bridgeIds[1]: must be a non-empty bridge id');
    expect(() =>
      TokenStore.fromEntries([{ name: 'crm', role: 'sales', token, bridgeIds: ['sto-1'] }]),
    ).toThrow('tokens[0].bridgeIds: only a bridge token is bound to bridges, not role sales');
  });

  it('hands the principal its bridge ids, and none to other roles', () => {
    const store = TokenStore.fromEntries([
      { name: 'b', role: 'bridge', token: 'bridge-token-0123456789', bridgeIds: ['sto-1', 'sto-1', 'sto-2'] },
      { name: 'r', role: 'reservations', token: 'reservations-token-0123' },
    ]);
    expect(store.authenticate('bridge-token-0123456789')).toEqual({
      name: 'b',
      role: 'bridge',
      bridgeIds: ['sto-1', 'sto-2'],
    });
    expect(store.authenticate('reservations-token-0123')).toEqual({
      name: 'r',
      role: 'reservations',
      bridgeIds: [],
    });
  });
});

describe('CDRs from a bridge token', () => {
  it('SubmitCdrs writes under any of its own bridge ids', async () => {
    const { results } = await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'own-1', cdrs: [cdr('sto-1', 'own-a'), cdr('sto-2', 'own-b')] });
    expect(results.map((r) => r.outcome)).toEqual([
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
    ]);
  });

  it("SubmitCdrs with another bridge's CDR is refused whole with PERMISSION_DENIED naming it, and stores nothing", async () => {
    const error = await expectStatus(
      t
        .client(CdrIngestServiceDefinition, 'bridge')
        .submitCdrs({ requestId: 'foreign-1', cdrs: [cdr('sto-1', 'foreign-a'), cdr('gbg-1', 'foreign-b')] }),
      Status.PERMISSION_DENIED,
    );
    expect(error.details).toContain('cdrs[1].bridge_id');
    expect(error.details).toContain('may not act for bridge "gbg-1"');
    expect(await storedRecordIds('foreign-')).toEqual([]);
    // The other bridge's own token may.
    const { results } = await gbgClient(CdrIngestServiceDefinition).submitCdrs({
      requestId: 'gbg-1',
      cdrs: [cdr('gbg-1', 'foreign-b')],
    });
    expect(results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_ACCEPTED);
  });

  it('StreamCdrs ends with PERMISSION_DENIED at a batch holding a foreign CDR; earlier batches stay, that batch stores nothing', async () => {
    const acks: string[] = [];
    function* batches() {
      yield { batch: { sequence: '1', cdrs: [cdr('sto-1', 'stream-a')] } };
      yield { batch: { sequence: '2', cdrs: [cdr('sto-2', 'stream-b'), cdr('sto-9', 'stream-c')] } };
    }
    const error = await (async () => {
      for await (const ack of t.client(CdrIngestServiceDefinition, 'bridge').streamCdrs(streamOf(batches())))
        acks.push(ack.sequence);
    })().catch((e: unknown) => e);
    expect(acks).toEqual(['1']);
    expect(error).toMatchObject({ code: Status.PERMISSION_DENIED });
    expect((error as Error).message).toContain(
      'batch.cdrs[1].bridge_id: bridge token "test-bridge" may not act for bridge "sto-9"',
    );
    expect(await storedRecordIds('stream-')).toEqual(['stream-a']);
  });

  it("a request id another bridge used is free for this one, and the other's answer does not show through", async () => {
    const sto = t.client(CdrIngestServiceDefinition, 'bridge');
    await sto.submitCdrs({ requestId: 'counter-1', cdrs: [cdr('sto-1', 'counter-a')] });
    const request = { requestId: 'counter-1', cdrs: [cdr('gbg-1', 'counter-b')] };
    const { results } = await gbgClient(CdrIngestServiceDefinition).submitCdrs(request);
    expect(results.map((r) => [r.recordId, r.outcome])).toEqual([
      ['counter-b', CdrOutcome.CDR_OUTCOME_ACCEPTED],
    ]);
    expect(await storedRecordIds('counter-')).toEqual(['counter-a', 'counter-b']);
    // Its own retry still answers its first result, not DUPLICATE.
    const again = await gbgClient(CdrIngestServiceDefinition).submitCdrs(request);
    expect(again.results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_ACCEPTED);
  });

  it('admin is bound to no bridge', async () => {
    const { results } = await t
      .client(CdrIngestServiceDefinition, 'admin')
      .submitCdrs({ requestId: 'admin-1', cdrs: [cdr('any-bridge', 'admin-a')] });
    expect(results[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_ACCEPTED);
  });
});

describe('bookings for a bridge token', () => {
  it('GetBooking answers its own bridge with access codes and refuses a booking hosted elsewhere', async () => {
    const own = await book('sto-1');
    const other = await book('gbg-1');
    const bridge = t.client(BookingServiceDefinition, 'bridge');
    const got = await bridge.getBooking({ bookingId: own.id });
    expect(got.booking).toEqual(own);
    expect(got.booking!.hostCode).toMatch(/^\d{6}$/);
    const error = await expectStatus(bridge.getBooking({ bookingId: other.id }), Status.PERMISSION_DENIED);
    expect(error.details).toContain('"gbg-1"');
    await expectStatus(bridge.getBooking({ bookingId: 'no-such-booking' }), Status.NOT_FOUND);
  });

  it('ListUpcomingBookings must name one of its own bridges', async () => {
    const own = await book('sto-2');
    const bridge = t.client(BookingServiceDefinition, 'bridge');
    const listed = await bridge.listUpcomingBookings({ bridgeId: 'sto-2' });
    expect(listed.bookings.map((b) => [b.id, b.participantCode])).toEqual([[own.id, own.participantCode]]);
    expect(
      (await expectStatus(bridge.listUpcomingBookings({ bridgeId: 'gbg-1' }), Status.PERMISSION_DENIED))
        .details,
    ).toContain('"gbg-1"');
    expect((await expectStatus(bridge.listUpcomingBookings({}), Status.PERMISSION_DENIED)).details).toContain(
      'bridge_id',
    );
    // Reservations lists every bridge.
    const all = await t
      .client(BookingServiceDefinition, 'reservations')
      .listUpcomingBookings({ pageSize: 500 });
    expect(all.bookings.map((b) => b.bridgeId)).toEqual(expect.arrayContaining(['sto-1', 'sto-2', 'gbg-1']));
  });

  it('WatchBookings refuses another bridge; a booking moved away tells the old bridge nothing new', async () => {
    const bridge = t.client(BookingServiceDefinition, 'bridge');
    await expectStatus(watch(bridge, 'gbg-1', 1), Status.PERMISSION_DENIED);
    const moving = await book('sto-2', { title: 'moving' });
    await t.client(BookingServiceDefinition, 'reservations').updateBooking({
      requestId: `move-${moving.id}`,
      booking: { ...moving, bridgeId: 'gbg-1', title: 'board meeting', dialOutNumbers: ['+46700000001'] },
    });
    const events = await watch(bridge, 'sto-2', 2, moving.id);
    expect(events.map((e) => e.type)).toEqual([
      BookingEventType.BOOKING_EVENT_TYPE_CREATED,
      BookingEventType.BOOKING_EVENT_TYPE_MOVED_AWAY,
    ]);
    // The booking as sto-2 had it, under its new version: not where it went, its new title or numbers.
    expect(events[1]!.booking).toEqual({ ...moving, version: 2, updatedAt: events[1]!.booking!.updatedAt });
    const [arrived] = await watch(gbgClient(BookingServiceDefinition), 'gbg-1', 1, moving.id);
    expect(arrived!.booking).toMatchObject({
      bridgeId: 'gbg-1',
      hostCode: moving.hostCode,
      participantCode: moving.participantCode,
    });
  });
});

describe('access codes', () => {
  it('reach reservations and admin, and are empty for sales and billing in GetBooking', async () => {
    const booking = await book('sto-1');
    for (const role of ['reservations', 'admin'] as const) {
      expect(
        (await t.client(BookingServiceDefinition, role).getBooking({ bookingId: booking.id })).booking,
      ).toEqual(booking);
    }
    for (const role of ['sales', 'billing'] as const) {
      const seen = (await t.client(BookingServiceDefinition, role).getBooking({ bookingId: booking.id }))
        .booking!;
      expect(seen).toEqual({ ...booking, hostCode: '', participantCode: '' });
    }
  });

  it('are empty in the reconciliation report for sales, billing and finance, and present for admin', async () => {
    const noShow = await book('sto-1', { customerAccount: 'TEN-1', title: 'no-show' });
    const period = {
      startTime: new Date(noShow.scheduledStart!.getTime() - 60_000),
      endTime: new Date(noShow.scheduledStart!.getTime() + 60_000),
    };
    // A no-show once its booked time is over.
    clock.aheadMs = noShow.scheduledStart!.getTime() + noShow.expectedDurationSeconds * 1000 - Date.now();
    onTestFinished(() => {
      clock.aheadMs = 0;
    });
    for (const role of ['sales', 'billing', 'finance'] as const) {
      const report = await t
        .client(BookingServiceDefinition, role)
        .getReconciliationReport({ period, customerAccount: 'TEN-1' });
      expect(report.noShows.map((n) => n.booking)).toEqual([
        { ...noShow, hostCode: '', participantCode: '' },
      ]);
    }
    const report = await t
      .client(BookingServiceDefinition, 'admin')
      .getReconciliationReport({ period, customerAccount: 'TEN-1' });
    expect(report.noShows.map((n) => n.booking)).toEqual([noShow]);
  });
});
