/**
 * The role table covers the whole API: no RPC is left to "admin only" by omission. And the
 * authorization header: missing, malformed and unknown are three distinct UNAUTHENTICATED answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Metadata, Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MALFORMED_AUTHORIZATION, MAX_TOKEN_LENGTH, readBearer } from '../../src/auth/bearer';
import { ROLES } from '../../src/auth/roles';
import { BookingServiceDefinition } from '../../src/gen/billing/v1/booking_service';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { RatingServiceDefinition } from '../../src/gen/billing/v1/rating_service';
import { accessPolicy } from '../../src/transport/grpc/access-policy';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';
import { methodsOf } from '../support/service-methods';

const SERVICES = [
  CdrIngestServiceDefinition,
  RatingServiceDefinition,
  InvoiceServiceDefinition,
  CustomerServiceDefinition,
  BookingServiceDefinition,
];

describe('access policy', () => {
  it('lists roles for every RPC of every billing service', () => {
    const missing = SERVICES.flatMap((s) =>
      methodsOf(s)
        .filter((m) => !accessPolicy.rolesFor(s.fullName, m.name)?.length)
        .map((m) => `${s.fullName}/${m.name}`),
    );
    expect(missing).toEqual([]);
  });

  it('admits admin everywhere and keeps each role to its own work', () => {
    const path = (s: { fullName: string }, m: string) => `/${s.fullName}/${m}`;
    for (const s of SERVICES)
      for (const m of methodsOf(s)) expect(accessPolicy.admits(path(s, m.name), 'admin')).toBe(true);
    expect(accessPolicy.admits(path(CdrIngestServiceDefinition, 'StreamCdrs'), 'bridge')).toBe(true);
    expect(accessPolicy.admits(path(CustomerServiceDefinition, 'UpsertCustomer'), 'bridge')).toBe(false);
    expect(accessPolicy.admits(path(InvoiceServiceDefinition, 'ListInvoices'), 'reservations')).toBe(false);
    expect(accessPolicy.admits(path(RatingServiceDefinition, 'ValidateRuleSet'), 'sales')).toBe(false);
    expect(accessPolicy.admits(path(BookingServiceDefinition, 'WatchBookings'), 'bridge')).toBe(true);
    expect(accessPolicy.admits('/billing.v1.NoSuchService/Call', 'billing')).toBe(false);
    expect(ROLES).toContain('finance');
  });

  it('lets sales read invoices but change none, and reservations read customers but not contracts', () => {
    const path = (s: { fullName: string }, m: string) => `/${s.fullName}/${m}`;
    for (const m of ['GetInvoice', 'ListInvoices', 'RenderInvoiceDocument', 'GetRunningCharges'])
      expect(accessPolicy.admits(path(InvoiceServiceDefinition, m), 'sales')).toBe(true);
    for (const m of ['CloseBillingPeriod', 'IssueInvoice', 'CreateCreditNote', 'RerateCharges'])
      expect(accessPolicy.admits(path(InvoiceServiceDefinition, m), 'sales')).toBe(false);
    for (const m of ['GetCustomer', 'ListCustomers'])
      expect(accessPolicy.admits(path(CustomerServiceDefinition, m), 'reservations')).toBe(true);
    for (const m of ['UpsertCustomer', 'UpsertContract', 'ListContracts'])
      expect(accessPolicy.admits(path(CustomerServiceDefinition, m), 'reservations')).toBe(false);
  });
});

describe('reading the authorization header', () => {
  it('tells a missing header from a malformed one', () => {
    expect(readBearer([])).toEqual({ kind: 'missing' });
    for (const header of [
      'Bearer T extra',
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer ',
      '',
      'Token abc',
      'Bearer\tabc',
    ]) {
      expect(readBearer([header]), JSON.stringify(header)).toEqual({ kind: 'malformed' });
    }
    expect(readBearer(['Bearer a', 'Bearer b'])).toEqual({ kind: 'malformed' });
    expect(readBearer(['Bearer abc.def-ghi_jkl'])).toEqual({ kind: 'token', token: 'abc.def-ghi_jkl' });
    expect(readBearer(['bearer abc'])).toEqual({ kind: 'token', token: 'abc' }); // the scheme is case-insensitive (RFC 7235)
    expect(readBearer([`Bearer ${'x'.repeat(MAX_TOKEN_LENGTH)}`])).toEqual({
      kind: 'token',
      token: 'x'.repeat(MAX_TOKEN_LENGTH),
    });
    expect(readBearer([`Bearer ${'x'.repeat(MAX_TOKEN_LENGTH + 1)}`])).toEqual({ kind: 'malformed' });
  });
});

describe('authorization header over a real socket', () => {
  let t: TestService;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-header-'));
    const file = path.join(dir, 'tokens.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        tokens: [{ name: 'test-sales', role: 'sales', token: 'test-sales-token-0123456789abcdef' }],
      }),
    );
    t = await startTestService({ env: { BILLING_TOKENS_FILE: file } });
  });
  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const call = (authorization?: string) =>
    t
      .client(CustomerServiceDefinition)
      .listCustomers({}, { metadata: new Metadata(authorization === undefined ? {} : { authorization }) });

  it('answers a malformed header with UNAUTHENTICATED saying what is expected, distinct from a missing one', async () => {
    for (const header of [
      'Bearer test-sales-token-0123456789abcdef extra',
      'Basic dXNlcjpwYXNz',
      'Bearer',
      `Bearer ${'x'.repeat(MAX_TOKEN_LENGTH + 1)}`,
    ]) {
      const error = await expectStatus(call(header), Status.UNAUTHENTICATED);
      expect(error.details, header.slice(0, 40)).toBe(MALFORMED_AUTHORIZATION);
    }
    expect((await expectStatus(call(), Status.UNAUTHENTICATED)).details).toBe(
      'missing bearer token in the authorization metadata',
    );
    expect(
      (await expectStatus(call('Bearer not-a-known-token-at-all'), Status.UNAUTHENTICATED)).details,
    ).toBe('unknown bearer token');
    await expect(call('Bearer test-sales-token-0123456789abcdef')).resolves.toBeDefined();
  });
});
