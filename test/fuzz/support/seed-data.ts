/**
 * A small, realistic data set created through the API the way the other systems would (sales,
 * reservations, the bridge, billing), so fuzzed requests that name real ids reach real rows: a
 * customer with a booking, rated and unrated CDRs, an issued invoice and a draft.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { BookingServiceDefinition } from '../../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../../src/gen/billing/v1/cdr_ingest_service';
import type { Cdr } from '../../../src/gen/billing/v1/cdr';
import { AccessType, Feature } from '../../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../../src/gen/billing/v1/rating_service';
import { createCustomers } from '../../support/customers';
import { REPO_ROOT, type TestService } from '../../support/test-service';
import type { PlausibleStrings } from './message-arbitraries';

export interface SeedData {
  accounts: string[];
  bridgeId: string;
  bookingId: string;
  issuedInvoiceId: string;
  issuedInvoiceNumber: string;
  draftInvoiceId: string;
  ruleSetHash: string;
  recordIds: string[];
}

const BRIDGE = 'fuzz-bridge';

function cdr(recordId: string, account: string, start: string, seconds: number, bookingId = ''): Cdr {
  const startTime = new Date(start);
  return {
    bridgeId: BRIDGE,
    recordId,
    conferenceId: `conf-${account}`,
    bookingId,
    customerAccount: account,
    accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
    callerNumber: '',
    calledNumber: '+46701234567',
    startTime,
    answerTime: startTime,
    endTime: new Date(startTime.getTime() + seconds * 1000),
    durationSeconds: seconds,
    features: [Feature.FEATURE_RECORDING],
  };
}

export async function seedBillingData(t: TestService): Promise<SeedData> {
  const accounts = ['FUZZ-1', 'FUZZ-2'];
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), accounts);

  // Bookings must start in the future (of the wall clock: the service has no pinned clock here).
  const { booking } = await t.client(BookingServiceDefinition, 'reservations').createBooking({
    requestId: 'seed-booking-1',
    booking: {
      customerAccount: 'FUZZ-1',
      bridgeId: BRIDGE,
      title: 'Fuzz call',
      scheduledStart: new Date(Date.now() + 7 * 86_400_000),
      expectedDurationSeconds: 3600,
      expectedParticipants: 4,
    },
  });

  const recordIds: string[] = [];
  const cdrs = Array.from({ length: 12 }, (_, i) => {
    recordIds.push(`seed-${i}`);
    return cdr(
      `seed-${i}`,
      accounts[i % 2]!,
      `2026-10-${String(10 + i).padStart(2, '0')}T09:00:00Z`,
      60 + 37 * i,
      i % 2 ? '' : booking!.id,
    );
  });
  cdrs.push(cdr('seed-unrated', 'FUZZ-NOBODY', '2026-10-20T09:00:00Z', 120));
  recordIds.push('seed-unrated');
  await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({ requestId: 'seed-cdrs', cdrs });

  const billing = t.client(InvoiceServiceDefinition, 'billing');
  const [first] = (
    await billing.closeBillingPeriod({
      requestId: 'seed-close-1',
      customerAccount: 'FUZZ-1',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: true,
    })
  ).invoices;
  const [draft] = (
    await billing.closeBillingPeriod({
      requestId: 'seed-close-2',
      customerAccount: 'FUZZ-2',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: false,
    })
  ).invoices;
  if (!first?.number || !draft) throw new Error('seeding: closing October gave no issued invoice and draft');

  const active = await t.client(RatingServiceDefinition, 'finance').getActiveRuleSet({});
  return {
    accounts,
    bridgeId: BRIDGE,
    bookingId: booking!.id,
    issuedInvoiceId: first.id,
    issuedInvoiceNumber: first.number,
    draftInvoiceId: draft.id,
    ruleSetHash: active.ruleSet?.ref?.contentHash ?? '',
    recordIds,
  };
}

/** Plausible values per string field name: the seed's ids, and well-formed values of each kind. */
export function plausibleStrings(seed: SeedData): PlausibleStrings {
  const of = (...values: string[]) => fc.constantFrom(...values);
  const account = of(...seed.accounts, 'FUZZ-NEW', 'FUZZ-NOBODY');
  const invoiceId = of(seed.issuedInvoiceId, seed.draftInvoiceId, '1', '999999');
  const number = of('+46701234567', '+4681234567', '+14155550100', '+88299', '+', '0046701234567');
  const decimal = of('0', '1', '1.5', '12.3450', '-3', '100', '0.000833', '99.99');
  return {
    request_id: fc.oneof(fc.uuid(), of('fuzz-reused-request-id')),
    customer_account: account,
    external_id: account,
    customer_external_id: account,
    bridge_id: of(seed.bridgeId, 'other-bridge'),
    record_id: fc.oneof(of(...seed.recordIds), fc.uuid()),
    conference_id: of('conf-FUZZ-1', 'conf-x'),
    booking_id: of(seed.bookingId, '', '00000000-0000-0000-0000-000000000000'),
    id: of(seed.bookingId, ''),
    invoice_id: invoiceId,
    invoice_number: of(seed.issuedInvoiceNumber, 'INV-0000-000000'),
    rule_set_hash: of(seed.ruleSetHash, '', 'deadbeef'),
    caller_number: number,
    called_number: number,
    dial_out_numbers: number,
    currency_code: of('EUR', 'SEK', 'USD', 'XXX', 'eur'),
    country_code: of('SE', 'DE', 'US', 'XX', 'se'),
    time_zone: of(
      'Europe/Stockholm',
      'UTC',
      'America/New_York',
      'Pacific/Kiritimati',
      'Mars/Olympus',
      '+14:00',
    ),
    amount: decimal,
    discount_percent: of('0', '10', '12.5', '100', '101', '-5'),
    included_minutes: decimal,
    quantity: decimal,
    issue_date: of('', '2026-12-01', '2026-11-30', '2026-02-30', '0000-01-01', '9999-12-31', '2026-13-01'),
    zone: of('SE', 'SE-mobile', 'EU', 'World-B', ''),
    price_plan: of('standard', 'premium', ''),
    email: of('billing@fuzz.example', 'not-an-email'),
    vat_number: of('SE556000000101', 'DE123456789', ''),
    registration_number: of('556000-0001', ''),
    path: of(
      ...['ruleset', 'rates', 'destinations', 'calendar'].map((f) => `candidate/${f}.json`),
      'ruleset.json',
      'ruleset.json/x.json',
      'a/../b.json',
      '../outside.json',
      '/etc/passwd',
      '',
    ),
    page_token: of(''),
    after_cursor: of('', '0', '1', '5', '9223372036854775808'),
  };
}

/** Plausible values of integer fields by name: versions that match, days of a month, page sizes. */
export function plausibleNumbers(): Record<string, fc.Arbitrary<number>> {
  return {
    expected_version: fc.integer({ min: 0, max: 3 }),
    page_size: fc.constantFrom(0, 1, 2, 50, 500),
    anchor_day: fc.integer({ min: 0, max: 28 }),
    payment_terms_days: fc.integer({ min: 0, max: 60 }),
    line_number: fc.integer({ min: 1, max: 4 }),
    participants: fc.integer({ min: 1, max: 20 }),
  };
}

/** Plausible rule files: the real rule set's own files (ValidateRuleSet gets past parsing). */
export function plausibleRuleFileContents(): fc.Arbitrary<Uint8Array> {
  const dir = path.join(REPO_ROOT, 'rules/standard-2026');
  const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  const contents = files.map((e) => new Uint8Array(fs.readFileSync(path.join(e.parentPath, e.name))));
  return fc.oneof(
    fc.constantFrom(...contents),
    fc.constantFrom(
      ...['{}', '[]', 'null', '{"rules": 1}', '{"rules": [{"conditions": null}]}'].map((s) =>
        new TextEncoder().encode(s),
      ),
    ),
  );
}

/** A protobuf Timestamp init for create(). */
function timestamp(ms: number) {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: 0 };
}

const DAY_MS = 86_400_000;

/**
 * Messages whose fields must agree to be valid: CDRs of the seed's customers in autumn 2026 with
 * consistent times, bookings in the coming weeks, ordered time ranges.
 */
export function plausibleMessages(
  seed: SeedData,
  strings: PlausibleStrings,
): Record<string, fc.Arbitrary<Record<string, unknown>>> {
  const autumn = fc.integer({ min: Date.UTC(2026, 8, 1), max: Date.UTC(2026, 10, 25) });
  const e164 = fc.constantFrom('+46701234567', '+4681234567', '+14155550100', '+4930123456', '+447700900123');
  const features = fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { maxLength: 3 });
  const cdr = fc
    .record({
      bridgeId: strings.bridge_id!,
      recordId: fc.uuid(),
      conferenceId: strings.conference_id!,
      bookingId: fc.constantFrom('', seed.bookingId),
      customerAccount: fc.constantFrom(...seed.accounts, 'FUZZ-NOBODY'),
      accessType: fc.integer({ min: 1, max: 4 }),
      callerNumber: fc.oneof(e164, fc.constant('')),
      calledNumber: e164,
      start: autumn,
      ringSeconds: fc.integer({ min: 0, max: 30 }),
      durationSeconds: fc.integer({ min: 0, max: 4 * 3600 }),
      features,
    })
    .map(({ start, ringSeconds, durationSeconds, ...rest }) => ({
      ...rest,
      startTime: timestamp(start),
      answerTime: durationSeconds ? timestamp(start + ringSeconds * 1000) : undefined,
      endTime: timestamp(start + (ringSeconds + durationSeconds) * 1000),
      durationSeconds,
    }));
  const booking = fc.record({
    id: fc.constantFrom(seed.bookingId, ''),
    externalReference: fc.oneof(fc.constant(''), fc.uuid()),
    customerAccount: fc.constantFrom(...seed.accounts),
    bridgeId: strings.bridge_id!,
    title: fc.constantFrom('Board call', 'Weekly sync'),
    scheduledStart: fc.integer({ min: 1, max: 60 }).map((days) => timestamp(Date.now() + days * DAY_MS)),
    expectedDurationSeconds: fc.integer({ min: 60, max: 4 * 3600 }),
    timeZone: fc.constantFrom('Europe/Stockholm', 'UTC', ''),
    expectedParticipants: fc.integer({ min: 1, max: 50 }),
    dialOutNumbers: fc.array(e164, { maxLength: 2 }),
    features,
    hostCode: fc.constantFrom('', '123456'),
    participantCode: fc.constantFrom('', '87654321'),
  });
  const timeRange = fc
    .tuple(
      fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
      fc.integer({ min: 1, max: 120 }),
    )
    .map(([start, days]) => ({ startTime: timestamp(start), endTime: timestamp(start + days * DAY_MS) }));
  const money = (amounts: string[]) =>
    fc.record({ currencyCode: fc.constant('EUR'), amount: fc.constantFrom(...amounts) });
  const customer = fc.record({
    externalId: fc.constantFrom(...seed.accounts, 'FUZZ-NEW'),
    name: fc.constantFrom('Fuzz AB', 'Fuzz Holding AB'),
    billingAddress: fc.constant({
      lines: ['Sveavägen 1'],
      postalCode: '111 57',
      city: 'Stockholm',
      countryCode: 'SE',
    }),
    email: fc.constant('billing@fuzz.example'),
    vatNumber: fc.constantFrom('SE556000000101', ''),
    countryCode: fc.constant('SE'),
    // The seed's currency and zone: a change of zone would leave earlier daily totals on their old days.
    currencyCode: fc.constant('EUR'),
    timeZone: fc.constant('Europe/Stockholm'),
    paymentTermsDays: fc.integer({ min: 0, max: 60 }),
    registrationNumber: fc.constantFrom('556000-0001', ''),
  });
  const contract = fc.record({
    externalId: fc.oneof(fc.constantFrom('K-FUZZ-1', 'K-FUZZ-2'), fc.uuid()),
    customerExternalId: fc.constantFrom(...seed.accounts),
    pricePlan: fc.constantFrom('', 'volume-2026'),
    discountPercent: fc.constantFrom('', '0', '5', '12.5'),
    specialPrices: fc.array(
      fc.record({
        accessType: fc.integer({ min: 1, max: 4 }),
        zone: fc.constantFrom('', 'SE', 'EU'),
        ratePerMinute: money(['0.01', '0.05']),
      }),
      { maxLength: 2 },
    ),
    includedMinutes: fc.constantFrom('', '0', '100'),
    minimumCommitment: fc.option(money(['10', '99.50']), { nil: undefined }),
    billingCycle: fc.integer({ min: 1, max: 3 }),
    anchorDay: fc.integer({ min: 0, max: 28 }),
    validFrom: fc.constant(timestamp(Date.UTC(2026, 0, 1))),
    validTo: fc.option(fc.constant(timestamp(Date.UTC(2028, 0, 1))), { nil: undefined }),
  });
  return {
    'billing.v1.Cdr': cdr,
    'billing.v1.Booking': booking,
    'billing.v1.TimeRange': timeRange,
    'billing.v1.Customer': customer,
    'billing.v1.Contract': contract,
  };
}
