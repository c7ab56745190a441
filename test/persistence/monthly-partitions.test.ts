/**
 * CDRs and charges are partitioned by UTC month (issue 14). What a user relies on, over a real
 * socket on a real database:
 * - the clock's month and the next two exist before any CDR (created off the ingest path);
 * - dedup is permanent across months: a record resent with another start (another month) is a
 *   conflict, and stays one after its month was archived;
 * - a close takes the local month, which spans two UTC partitions (Stockholm's October starts on
 *   30 September 22:00 UTC);
 * - retention takes a month away only when it is fully invoiced for periods that end by the cutoff
 *   (Stockholm's November begins in October's partition), and leaves invoices as they were;
 * - a batch whose month cannot be created because the table is held by another transaction is
 *   answered UNAVAILABLE with nothing stored, and stored once the resend finds the table free.
 */
import { ClientError, Status } from 'nice-grpc';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { CdrOutcome, type Cdr } from '../../src/gen/billing/v1/cdr';
import { CdrIngestServiceDefinition } from '../../src/gen/billing/v1/cdr_ingest_service';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { MonthRetention } from '../../src/persistence/month-retention';
import { DATABASE_BUSY_MESSAGE } from '../../src/transport/grpc/middleware/error-mapper';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { knexOf, rowsOf } from '../invoicing-service/support';
import { answeredCall } from '../support/answered-call';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    clock: new FixedClock(new Date('2026-12-15T12:00:00Z')),
    env: { BILLING_CLOSE_INTERVAL_MS: '0' },
  });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['PART']);
});
afterAll(async () => {
  await t?.stop();
});

function call(recordId: string, startUtc: string, seconds = 600): Cdr {
  return answeredCall({
    bridgeId: 'part-bridge',
    recordId,
    customerAccount: 'PART',
    calledNumber: '+46812345678',
    start: startUtc,
    seconds,
  });
}

// September's last UTC hours are Stockholm's October; October's last UTC hour is November.
const CALLS = {
  octoberInSeptemberPartition: call('a', '2026-09-30T22:30:00Z'),
  october: call('b', '2026-10-15T09:00:00Z'),
  novemberInOctoberPartition: call('c', '2026-10-31T23:30:00Z'),
  november: call('d', '2026-11-10T10:00:00Z'),
};

let requests = 0;
async function submit(cdrs: Cdr[]) {
  requests += 1;
  const response = await t
    .client(CdrIngestServiceDefinition, 'bridge')
    .submitCdrs({ requestId: `part-${requests}`, cdrs });
  return response.results;
}

async function close(periodContaining: string) {
  const closed = await t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
    requestId: `close-${periodContaining}`,
    customerAccount: 'PART',
    periodContaining: new Date(periodContaining),
    issue: true,
  });
  expect(closed.invoices).toHaveLength(1);
  return closed.invoices[0]!;
}

const sql = <T>(text: string, bindings: unknown[] = []) =>
  rowsOf<T>(knexOf(t.service.database).raw(text, bindings as never));

async function partitions(): Promise<string[]> {
  const rows = await sql<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
     join pg_class p on p.oid = i.inhparent where p.relname = 'cdrs' order by 1`,
  );
  return rows.map((r) => r.name);
}

/** The record ids of the calls an invoice holds. */
async function claimedRecords(invoiceId: string): Promise<string[]> {
  const claimed = await sql<{ record_id: string }>(
    `select d.record_id from charge_claims k
     join charges c on c.id = k.charge_id
     join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
     where k.invoice_id = ?::bigint order by 1`,
    [invoiceId],
  );
  return claimed.map((r) => r.record_id);
}

/** The invoices and their lines exactly as stored. */
async function invoicesAsStored(): Promise<string> {
  const invoices = await sql(`select * from invoices order by id`);
  const lines = await sql(`select * from invoice_lines order by invoice_id, line_no`);
  return JSON.stringify({ invoices, lines });
}

describe('monthly partitions of CDRs and charges', () => {
  it("has the clock's month and the next two ready before the first CDR", async () => {
    expect(await partitions()).toEqual(['cdrs_2026_12', 'cdrs_2027_01', 'cdrs_2027_02']);
  });

  it('stores each month in its own partition and keeps dedup permanent across months', async () => {
    const first = await submit(Object.values(CALLS));
    expect(first.map((r) => r.outcome)).toEqual(Array(4).fill(CdrOutcome.CDR_OUTCOME_ACCEPTED));
    // The batch's past months are created as it needs them, and nothing more.
    expect(await partitions()).toEqual([
      'cdrs_2026_09',
      'cdrs_2026_10',
      'cdrs_2026_11',
      'cdrs_2026_12',
      'cdrs_2027_01',
      'cdrs_2027_02',
    ]);

    const again = await submit([CALLS.october]);
    expect(again[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_DUPLICATE);
    // The same record id moved into December: another partition, still the same record.
    const moved = await submit([call('b', '2026-12-01T09:00:00Z')]);
    expect(moved[0]!.outcome).toBe(CdrOutcome.CDR_OUTCOME_CONFLICT);
    expect(moved[0]!.violations.map((v) => v.field)).toContain('start_time');
    const stored = await sql<{ n: number }>(
      `select count(*)::int as n from cdrs where bridge_id = 'part-bridge' and record_id = 'b'`,
    );
    expect(stored[0]!.n).toBe(1);
  });

  it('closes a local month whose calls lie in two UTC partitions', async () => {
    const october = await close('2026-10-15T12:00:00Z');
    expect(await claimedRecords(october.id)).toEqual(['a', 'b']);
  });

  it('archives only fully invoiced months and leaves every invoice as it was', async () => {
    const retention = new MonthRetention(t.service.database);
    // October still holds call c, of the open November period; September holds call a of
    // October's period, so it stays with October (archiving it alone would split that invoice).
    const october = await invoicesAsStored();
    expect(await retention.retire('2026-11', { drop: false })).toEqual([
      { month: '2026-09', outcome: 'kept', reason: 'it shares a billed period with 2026-10, which is kept' },
      { month: '2026-10', outcome: 'kept', reason: '1 charges not on an issued invoice' },
    ]);
    expect(await invoicesAsStored()).toBe(october);
    const november = await close('2026-11-15T12:00:00Z');
    const issued = await invoicesAsStored();
    // Fully invoiced now, but call c is on November's invoice, whose period (Stockholm) began in
    // October's UTC partition and ends after the cutoff: October stays, with all November's calls.
    expect(await retention.retire('2026-11', { drop: true })).toEqual([
      { month: '2026-09', outcome: 'kept', reason: 'it shares a billed period with 2026-10, which is kept' },
      {
        month: '2026-10',
        outcome: 'kept',
        reason: 'charges of a period that ends 2026-11-30T23:00:00.000Z, after 2026-11 begins (UTC)',
      },
    ]);
    expect(await claimedRecords(november.id)).toEqual(['c', 'd']);
    expect(await retention.retire('2026-12', { drop: false })).toEqual([
      { month: '2026-09', outcome: 'archived', reason: '' },
      { month: '2026-10', outcome: 'archived', reason: '' },
      { month: '2026-11', outcome: 'archived', reason: '' },
    ]);

    expect(await partitions()).toEqual(['cdrs_2026_12', 'cdrs_2027_01', 'cdrs_2027_02']);
    expect(await invoicesAsStored()).toBe(issued);
    const archived = await sql<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = 'billing_archive' order by 1`,
    );
    expect(archived.map((r) => r.name)).toEqual([
      'cdrs_2026_09',
      'cdrs_2026_10',
      'cdrs_2026_11',
      'charges_2026_09',
      'charges_2026_10',
      'charges_2026_11',
    ]);
    // Nothing archived depends on the live tables: an id default would name their sequences.
    const defaults = await sql<{ d: string | null }>(
      `select column_default as d from information_schema.columns
       where table_schema = 'billing_archive' and column_name = 'id'`,
    );
    expect(defaults).toEqual(Array(6).fill({ d: null }));
    const claims = await sql<{ n: number }>(
      `select count(*)::int as n from charge_claims k where not exists (select 1 from charges c where c.id = k.charge_id)`,
    );
    expect(claims[0]!.n).toBe(0);

    // A bridge resending archived records: the same is a duplicate, a changed one a conflict; a
    // late call of the dropped month is stored in that month, created again. (Months are created
    // before a batch, for all its records: September comes back, empty, for the duplicate.)
    const resent = await submit([
      CALLS.octoberInSeptemberPartition,
      call('b', '2026-10-15T09:00:00Z', 601),
      call('e', '2026-10-20T09:00:00Z'),
    ]);
    expect(resent.map((r) => r.outcome)).toEqual([
      CdrOutcome.CDR_OUTCOME_DUPLICATE,
      CdrOutcome.CDR_OUTCOME_CONFLICT,
      CdrOutcome.CDR_OUTCOME_ACCEPTED,
    ]);
    expect(resent[1]!.violations[0]!.reason).toMatch(/archived by retention/);
    expect(await partitions()).toEqual([
      'cdrs_2026_09',
      'cdrs_2026_10',
      'cdrs_2026_12',
      'cdrs_2027_01',
      'cdrs_2027_02',
    ]);
    const rows = await sql<{ n: number }>(
      `select count(*)::int as n from cdrs where start_time < '2026-11-01Z'`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  // The embedded database has one connection: no other transaction can hold a table there.
  it.skipIf(!process.env.DATABASE_URL)(
    'answers UNAVAILABLE, storing nothing, while a new month cannot be created, and stores the resend',
    async () => {
      const holder = new pg.Client({ connectionString: t.database.databaseUrl });
      await holder.connect();
      try {
        // A long transaction that read cdrs (a report, a stuck session): creating a partition
        // needs the table to itself, and the batch gives up after its lock wait.
        await holder.query('begin');
        await holder.query('lock table cdrs in access share mode');
        const late = call('late-2025', '2025-03-03T10:00:00Z');
        const request = { requestId: 'part-late-month', cdrs: [late] };
        const ingest = t.client(CdrIngestServiceDefinition, 'bridge');
        const refused = await ingest.submitCdrs(request).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(ClientError);
        expect((refused as ClientError).code).toBe(Status.UNAVAILABLE);
        expect((refused as ClientError).details).toBe(DATABASE_BUSY_MESSAGE);
        await holder.query('commit');

        const stored = async () =>
          (
            await sql<{ n: number }>(
              `select count(*)::int as n from cdr_keys where bridge_id = 'part-bridge' and record_id = 'late-2025'`,
            )
          )[0]!.n;
        expect(await stored()).toBe(0);
        const resent = await ingest.submitCdrs(request);
        expect(resent.results.map((r) => r.outcome)).toEqual([CdrOutcome.CDR_OUTCOME_ACCEPTED]);
        expect(await stored()).toBe(1);
      } finally {
        await holder.end();
      }
    },
    60_000,
  );
});
