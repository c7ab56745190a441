/**
 * Every input has a declared limit and a precise answer: the cases that answered INTERNAL before
 * (NUL bytes, a megabyte of name, dates beyond any calendar, a cursor above int64, forged page
 * tokens, broken Timestamps, undecodable bytes) now answer INVALID_ARGUMENT naming the field, over
 * a real socket; and the limits table covers every field of the contract.
 */
import fs from 'node:fs';
import { createFileRegistry, fromBinary, ScalarType, type DescMessage } from '@bufbuild/protobuf';
import { BinaryWriter } from '@bufbuild/protobuf/wire';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import * as grpc from '@grpc/grpc-js';
import { ClientError, Status } from 'nice-grpc';
import { BadRequest, RichClientError } from 'nice-grpc-error-details';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingServiceDefinition } from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { INPUT_LIMITS } from '../../src/transport/grpc/input-limits/limits';
import { checkWire } from '../../src/transport/grpc/input-limits/wire-guard';
import { REPO_ROOT, startTestService, type TestService } from '../support/test-service';

const registry = createFileRegistry(
  fromBinary(FileDescriptorSetSchema, fs.readFileSync(`${REPO_ROOT}/src/gen/billing.binpb`)),
);
const message = (name: string) => registry.getMessage(name)!;

/** The field violations of an INVALID_ARGUMENT answer, as "field: reason". */
async function violationsOf(call: Promise<unknown>): Promise<string[]> {
  const error = await call.then(
    () => {
      throw new Error('expected INVALID_ARGUMENT, the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClientError);
  expect(Status[(error as ClientError).code]).toBe('INVALID_ARGUMENT');
  const details = error instanceof RichClientError ? error.extra : [];
  return details.flatMap((d) =>
    d.$type === BadRequest.$type ? d.fieldViolations.map((v) => `${v.field}: ${v.description}`) : [],
  );
}

describe('the limits table', () => {
  it('declares a limit for every string, bytes, integer and repeated field a request can carry, and nothing else', () => {
    const needed = new Set<string>();
    const seen = new Set<string>();
    const walk = (m: DescMessage) => {
      if (seen.has(m.typeName) || m.typeName === 'google.protobuf.Timestamp') return;
      seen.add(m.typeName);
      for (const f of m.fields) {
        const scalarLike = f.fieldKind === 'scalar' && f.scalar !== ScalarType.BOOL; // bool needs no limit
        if (f.fieldKind === 'list' || scalarLike) needed.add(`${m.typeName}.${f.name}`);
        if (f.fieldKind === 'message' || (f.fieldKind === 'list' && f.listKind === 'message'))
          walk(f.message);
      }
    };
    for (const file of registry.files)
      for (const service of file.services) for (const method of service.methods) walk(method.input);
    expect(
      [...needed].filter((f) => !(f in INPUT_LIMITS)),
      'fields without a declared limit',
    ).toEqual([]);
    expect(
      Object.keys(INPUT_LIMITS).filter((f) => !needed.has(f)),
      'limits that name no request field',
    ).toEqual([]);
  });
});

describe('the wire guard', () => {
  it('refuses eight million empty CDRs after counting past 1000, without decoding them', () => {
    const batch = Buffer.alloc(16 * 1024 * 1024, Buffer.from([0x12, 0x00])); // CdrBatch.cdrs = {} (field 2)
    const request = new BinaryWriter().uint32(10).bytes(batch).finish(); // StreamCdrsRequest.batch (field 1)
    const check = checkWire(message('billing.v1.StreamCdrsRequest'), request);
    expect(check).toEqual({
      ok: false,
      undecodable: false,
      violations: [{ field: 'batch.cdrs', reason: 'at most 1000 entries' }],
    });
  });

  it('refuses Timestamps that are not Timestamps, and instants outside the calendar', () => {
    const runningCharges = (seconds: bigint, nanos: number) =>
      new BinaryWriter()
        .uint32(10)
        .string('acme')
        .uint32(18)
        .bytes(new BinaryWriter().uint32(8).int64(seconds).uint32(16).int32(nanos).finish())
        .finish();
    const check = (seconds: bigint, nanos: number) =>
      checkWire(message('billing.v1.GetRunningChargesRequest'), runningCharges(seconds, nanos));
    expect(check(1_790_000_000n, -1)).toMatchObject({
      violations: [{ field: 'as_of', reason: 'nanos must be from 0 to 999999999, got -1' }],
    });
    expect(check(1_790_000_000n, 2_000_000_000)).toMatchObject({
      violations: [{ field: 'as_of', reason: expect.stringMatching(/^nanos/) as string }],
    });
    expect(check(253_402_300_800n, 0)).toMatchObject({
      violations: [{ field: 'as_of', reason: expect.stringMatching(/^must be from 1970/) as string }],
    });
    expect(check(-1n, 0)).toMatchObject({ ok: false });
    expect(check(1_790_000_000n, 999_999_999)).toEqual({ ok: true });
  });

  it('checks strings byte by byte as decoding would: length, UTF-8 and control characters', () => {
    const customerId = (bytes: Uint8Array) =>
      checkWire(
        message('billing.v1.GetCustomerRequest'),
        new BinaryWriter().uint32(10).bytes(bytes).finish(),
      );
    const cancelReason = (text: string) =>
      checkWire(
        message('billing.v1.CancelBookingRequest'),
        new BinaryWriter().uint32(26).string(text).finish(),
      );
    const utf8 = (text: string) => new TextEncoder().encode(text);
    const violation = (check: ReturnType<typeof checkWire>) => (check.ok ? undefined : check.violations[0]);
    expect(customerId(utf8('ACME-1'))).toEqual({ ok: true });
    expect(customerId(utf8('Göteborgs Stad – 7'))).toEqual({ ok: true });
    expect(violation(customerId(utf8('ab\u007fc')))).toEqual({
      field: 'external_id',
      reason: 'must not contain control characters (U+007F at position 2)',
    });
    expect(violation(customerId(utf8('å\tb')))).toEqual({
      field: 'external_id',
      reason: 'must not contain control characters (U+0009 at position 1)',
    });
    expect(violation(customerId(utf8('å\u0085')))).toEqual({
      field: 'external_id',
      reason: 'must not contain control characters (U+0085 at position 1)',
    });
    expect(violation(customerId(utf8('x'.repeat(129))))).toEqual({
      field: 'external_id',
      reason: 'at most 128 characters, got 129',
    });
    // 128 characters of two bytes each: within the limit, which counts characters, not bytes.
    expect(customerId(utf8('ä'.repeat(128)))).toEqual({ ok: true });
    expect(violation(customerId(utf8('ä'.repeat(129))))).toEqual({
      field: 'external_id',
      reason: 'at most 128 characters, got 129',
    });
    expect(violation(customerId(Uint8Array.from([0x41, 0xc3])))).toEqual({
      field: 'external_id',
      reason: 'is not valid UTF-8',
    });
    // A free text may span lines and hold tabs, but no other control.
    expect(cancelReason('Moved to\r\nnext week\t(customer)')).toEqual({ ok: true });
    expect(violation(cancelReason('Moved\u0000'))).toEqual({
      field: 'reason',
      reason: 'must not contain control characters (U+0000 at position 5)',
    });
  });

  it('names the entry of a packed list, negative enum values, and CDR text over its limit', () => {
    // StreamCdrsRequest.batch (1) > CdrBatch.cdrs (2) > Cdr.features (13), packed: RECORDING, 99.
    const cdrWith = (cdr: Uint8Array) =>
      new BinaryWriter()
        .uint32(10)
        .bytes(new BinaryWriter().uint32(8).uint64(1n).uint32(18).bytes(cdr).finish())
        .finish();
    const features = new BinaryWriter()
      .uint32(106)
      .bytes(new BinaryWriter().int32(1).int32(99).finish())
      .finish();
    expect(checkWire(message('billing.v1.StreamCdrsRequest'), cdrWith(features))).toEqual({
      ok: false,
      undecodable: false,
      violations: [{ field: 'batch.cdrs[0].features[1]', reason: 'unknown value 99' }],
    });
    const negative = new BinaryWriter().uint32(16).int32(-1).finish(); // QuoteCallRequest.access_type
    expect(checkWire(message('billing.v1.QuoteCallRequest'), negative)).toMatchObject({
      violations: [{ field: 'access_type', reason: 'unknown value -1' }],
    });
    // Cdr.bridge_id (1): the domain checks its characters, the guard only its length.
    const longId = new BinaryWriter().uint32(10).string('b'.repeat(1025)).finish();
    expect(checkWire(message('billing.v1.StreamCdrsRequest'), cdrWith(longId))).toMatchObject({
      violations: [{ field: 'batch.cdrs[0].bridge_id', reason: 'at most 1024 characters, got 1025' }],
    });
    const tab = new BinaryWriter().uint32(10).string('b\tb').finish();
    expect(checkWire(message('billing.v1.StreamCdrsRequest'), cdrWith(tab))).toEqual({ ok: true });
  });

  it('names enum values the contract does not define, and bytes that are not protobuf', () => {
    const quote = new BinaryWriter().uint32(16).int32(99).finish(); // QuoteCallRequest.access_type = 99
    expect(checkWire(message('billing.v1.QuoteCallRequest'), quote)).toMatchObject({
      violations: [{ field: 'access_type', reason: 'unknown value 99' }],
    });
    const truncated = new BinaryWriter().uint32(10).string('acme').finish().subarray(0, 3);
    expect(checkWire(message('billing.v1.GetCustomerRequest'), truncated)).toMatchObject({
      ok: false,
      undecodable: true,
    });
  });
});

describe('over a real socket', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const customer = (fields: Record<string, unknown>) => ({
    requestId: `r-${Math.random()}`,
    customer: {
      externalId: 'acme-limits',
      name: 'Acme',
      countryCode: 'SE',
      currencyCode: 'SEK',
      timeZone: 'Europe/Stockholm',
      ...fields,
    },
  });

  it('answers a NUL byte in a name, an id, a search, an invoice number and a booking title with the field', async () => {
    const customers = t.client(CustomerServiceDefinition, 'sales');
    expect(await violationsOf(customers.upsertCustomer(customer({ name: 'Ac\0me' }) as never))).toEqual([
      'customer.name: must not contain control characters (U+0000 at position 2)',
    ]);
    expect(await violationsOf(customers.getCustomer({ externalId: 'a\0' }))).toEqual([
      'external_id: must not contain control characters (U+0000 at position 1)',
    ]);
    expect(await violationsOf(customers.listCustomers({ query: '\0' }))).toEqual([
      'query: must not contain control characters (U+0000 at position 0)',
    ]);
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    expect(await violationsOf(billing.getInvoice({ invoiceNumber: 'INV\0' }))).toEqual([
      'invoice_number: must not contain control characters (U+0000 at position 3)',
    ]);
    const bookings = t.client(BookingServiceDefinition, 'reservations');
    const title = await violationsOf(
      bookings.createBooking({
        requestId: 'b-1',
        booking: { title: 'Board\0', customerAccount: 'acme-limits' },
      }),
    );
    expect(title).toContain('booking.title: must not contain control characters (U+0000 at position 5)');
  });

  it('answers a megabyte of customer name with its limit, and stores nothing', async () => {
    const customers = t.client(CustomerServiceDefinition, 'sales');
    expect(
      await violationsOf(customers.upsertCustomer(customer({ name: 'x'.repeat(1024 * 1024) }) as never)),
    ).toEqual(['customer.name: at most 200 characters']);
    await expect(customers.getCustomer({ externalId: 'acme-limits' })).rejects.toMatchObject({
      code: Status.NOT_FOUND,
    });
  });

  it('answers instants beyond the calendar and a cursor beyond int64 with the field', async () => {
    const sales = t.client(InvoiceServiceDefinition, 'sales');
    const farFuture = new Date('+100000-01-01T00:00:00Z');
    expect(await violationsOf(sales.getRunningCharges({ customerAccount: 'acme', asOf: farFuture }))).toEqual(
      ['as_of: must be from 1970-01-01T00:00:00.000Z to before 2200-01-01T00:00:00.000Z'],
    );
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const range = await violationsOf(
      billing.listInvoices({ periodStartRange: { startTime: farFuture, endTime: farFuture } }),
    );
    expect(range[0]).toMatch(/^period_start_range\.start_time: must be from 1970/);
    const reservations = t.client(BookingServiceDefinition, 'reservations');
    const booking = await violationsOf(
      reservations.createBooking({
        requestId: 'b-2',
        booking: { customerAccount: 'acme', scheduledStart: farFuture },
      }),
    );
    expect(booking[0]).toMatch(/^booking\.scheduled_start: must be from 1970/);
    const watch = t
      .client(BookingServiceDefinition, 'admin')
      .watchBookings({ bridgeId: 'b', afterCursor: '9223372036854775808' });
    await expect(
      violationsOf(
        (async () => {
          for await (const _ of watch);
        })(),
      ),
    ).resolves.toEqual(['after_cursor: must be a whole number from 0 to 9223372036854775807']);
  });

  it('refuses a forged page token on every list RPC', async () => {
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00Z', '1 or 1=1'])).toString('base64url');
    const admin = <D extends Parameters<TestService['client']>[0]>(d: D) => t.client(d, 'admin');
    const lists = [
      () => admin(BookingServiceDefinition).listUpcomingBookings({ pageToken: forged, bridgeId: 'b' }),
      () => admin(CdrIngestServiceDefinition).listUnratedCdrs({ pageToken: forged }),
      () => admin(CustomerServiceDefinition).listCustomers({ pageToken: forged }),
      () => admin(CustomerServiceDefinition).listContracts({ pageToken: forged, customerExternalId: 'acme' }),
      () => admin(InvoiceServiceDefinition).listInvoices({ pageToken: forged }),
      () => admin(RatingServiceDefinition).listRuleSets({ pageToken: forged }),
    ];
    for (const call of lists)
      expect(await violationsOf(call())).toEqual([
        'page_token: not a page token from this service for this list',
      ]);
    expect(
      await violationsOf(admin(CustomerServiceDefinition).listCustomers({ pageToken: '{"a":1}' })),
    ).toEqual(['page_token: not a page token from this service']);
  });

  it('pages through with the tokens it issues', async () => {
    const rules = t.client(RatingServiceDefinition, 'finance');
    const first = await rules.listRuleSets({ pageSize: 1 });
    expect(first.nextPageToken).not.toBe('');
    const second = await rules.listRuleSets({ pageSize: 1, pageToken: first.nextPageToken });
    const hashOf = (page: typeof first) => page.ruleSets[0]?.ruleSet?.ref?.contentHash;
    expect(hashOf(second)).toBeDefined();
    expect(hashOf(second)).not.toBe(hashOf(first));
  });

  it('answers undecodable bytes and broken Timestamps with INVALID_ARGUMENT, logs and counts them', async () => {
    const raw = new grpc.Client(t.address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${t.tokenFor('sales')}`);
    const send = (bytes: Uint8Array) =>
      new Promise<grpc.ServiceError | undefined>((resolve) =>
        raw.makeUnaryRequest(
          '/billing.v1.InvoiceService/GetRunningCharges',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from(bytes),
          metadata,
          (error) => resolve(error ?? undefined),
        ),
      );
    const garbage = await send(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(garbage?.code).toBe(Status.INVALID_ARGUMENT);
    const nanos = new BinaryWriter()
      .uint32(10)
      .string('acme')
      .uint32(18)
      .bytes(new BinaryWriter().uint32(16).int32(-1).finish())
      .finish();
    const badTimestamp = await send(nanos);
    expect(badTimestamp?.code).toBe(Status.INVALID_ARGUMENT);
    expect(badTimestamp?.details).toMatch(/as_of: nanos must be from 0 to 999999999/);
    raw.close();
    const refused = await t.service.metrics.registry.getSingleMetricAsString(
      'billing_grpc_requests_refused_total',
    );
    expect(refused).toMatch(/reason="undecodable"} 1/);
    expect(refused).toMatch(/reason="limits"} [1-9]/);
  });
});
