/**
 * A charge carries its call's access type (migration ChargeAccessType), which the close groups its
 * lines by without reading the CDRs. Ingest writes it as the CDR has it; a charge stored without it
 * (before that migration) is still billed on its CDR's access type. On both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrOutcome } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { answeredCall } from '../support/answered-call';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { knexOf, rowsOf } from '../invoicing-service/support';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    clock: new FixedClock(new Date('2026-12-15T12:00:00Z')),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['ACCT']);
});
afterAll(async () => {
  await t?.stop();
});

const sql = <T>(text: string, bindings: unknown[] = []) =>
  rowsOf<T>(knexOf(t.service.database).raw(text, bindings as never));

describe('the access type on the charge', () => {
  it('is written by ingest as the CDR has it, and a charge without it closes on its CDR', async () => {
    const cdrs = [1, 2, 3].map((d) =>
      answeredCall({
        bridgeId: 'part-bridge',
        recordId: `acc-${d}`,
        customerAccount: 'ACCT',
        calledNumber: '+46812345678',
        start: `2026-10-0${d}T09:00:00Z`,
        seconds: 120 * d,
        accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
      }),
    );
    const submitted = await t
      .client(CdrIngestServiceDefinition, 'bridge')
      .submitCdrs({ requestId: 'acc-1', cdrs });
    expect(submitted.results.map((r) => r.outcome)).toEqual(Array(3).fill(CdrOutcome.CDR_OUTCOME_ACCEPTED));
    const stored = await sql<{ access_type: string | null; cdr_access_type: string }>(
      `select c.access_type, d.access_type as cdr_access_type from charges c
       join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
       where c.customer_account = 'ACCT' order by c.id`,
    );
    expect(stored).toHaveLength(3);
    for (const s of stored) expect(s.access_type).toBe(s.cdr_access_type);

    // As a charge stored before the migration: no access type of its own.
    await sql(
      `update charges set access_type = null
       where id = (select min(id) from charges where customer_account = 'ACCT')`,
    );
    const closed = await t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
      requestId: 'acc-close',
      customerAccount: 'ACCT',
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: false,
    });
    expect(closed.invoices).toHaveLength(1);
    // Every second of the three calls is on a dial-out line (split by price tier), none elsewhere.
    const lines = closed.invoices[0]!.lines;
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.accessType).toBe(AccessType.ACCESS_TYPE_DIAL_OUT);
    expect(lines.reduce((s, l) => s + Number(l.quantity), 0)).toBe(120 + 240 + 360);
    const [claimed] = await sql<{ n: number }>(
      `select count(*)::int as n from charge_claims k join charges c on c.id = k.charge_id
       where c.customer_account = 'ACCT' and k.invoice_id is not null`,
    );
    expect(claimed!.n).toBe(3);
  }, 60_000);

  it("counts today's running charges under the charge's access type, or its CDR's when it has none", async () => {
    const today = (recordId: string, start: string, accessType: AccessType) =>
      answeredCall({
        bridgeId: 'part-bridge',
        recordId,
        customerAccount: 'ACCT',
        calledNumber: '+46812345678',
        start,
        seconds: 60,
        accessType,
      });
    const submitted = await t.client(CdrIngestServiceDefinition, 'bridge').submitCdrs({
      requestId: 'acc-today',
      cdrs: [
        today('today-1', '2026-12-15T08:00:00Z', AccessType.ACCESS_TYPE_DIAL_OUT),
        today('today-2', '2026-12-15T09:00:00Z', AccessType.ACCESS_TYPE_WEB),
      ],
    });
    expect(submitted.results.map((r) => r.outcome)).toEqual(Array(2).fill(CdrOutcome.CDR_OUTCOME_ACCEPTED));
    // The dial-out call's charge as stored before the access type was on the charge.
    await sql(
      `update charges set access_type = null
       where cdr_id = (select id from cdrs where bridge_id = 'part-bridge' and record_id = 'today-1')`,
    );
    const running = await t
      .client(InvoiceServiceDefinition, 'sales')
      .getRunningCharges({ customerAccount: 'ACCT' });
    expect(running.breakdown.map((b) => [b.accessType, b.calls]).sort()).toEqual(
      [
        [AccessType.ACCESS_TYPE_DIAL_OUT, 1],
        [AccessType.ACCESS_TYPE_WEB, 1],
      ].sort(),
    );
  });
});
