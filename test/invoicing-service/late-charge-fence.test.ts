/**
 * A close looks for late charges only above the charge fence the previous close stored
 * (src/persistence/charge-fence.ts), so it never reads a customer's older months. What makes that
 * safe: a charge being written while a close starts is either seen by that close or lies above its
 * fence. Here a writer holds an uncommitted October charge while October closes: the close waits
 * for it and invoices it; a charge stored after the close is a late line of November's invoice
 * (PostgreSQL only: the embedded database has one connection, so nothing runs beside a close).
 * And a close after a gap (here a customer's first close, with an older charge) stores no fence,
 * so the older charge is still found by the next close.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf, uuid } from './support';

const onServer = Boolean(process.env.DATABASE_URL);
let t: TestService;

beforeAll(async () => {
  t = await startTestService({ env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  await insertCustomers(t.service.database, [{ account: 'fence' }, { account: 'gap' }]);
  await insertCharges(t.service.database, [
    { account: 'fence', start: '2026-10-05T10:00:00Z', seconds: 60, amount: '1.00' },
    { account: 'gap', start: '2026-09-05T10:00:00Z', seconds: 60, amount: '5.00' },
    { account: 'gap', start: '2026-10-05T10:00:00Z', seconds: 60, amount: '1.00' },
  ]);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

/** Inserts one rated CDR and its charge in `trx`, as a charge writer does. */
async function writeCharge(trx: ReturnType<typeof knexOf>, recordId: string, start: string, amount: string) {
  await trx.raw(`select pg_advisory_xact_lock_shared(hashtext('billing_charge_writers'))`);
  await trx.raw(
    `with k as (insert into cdr_keys (bridge_id, record_id, fingerprint, start_time) values ('test-bridge', ?, ?, ?::timestamptz)),
     d as (
       insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time, end_time,
                         duration_seconds, rating_status)
       values ('test-bridge', ?, ?, 'conf', 'fence', 'web', ?::timestamptz, ?::timestamptz + interval '60 seconds', 60, 'rated')
       returning id, start_time)
     insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation,
                          zone, billed_seconds, parts)
     select id, 'fence', start_time, ?::numeric, 'SEK', 'test-rules', '{}', '{"bands":[]}', '', 60,
            jsonb_build_array(jsonb_build_object('kind', 'usage', 'quantity', '1', 'unitCode', 'C62', 'price', ?::text, 'baseQuantity', '1'))
     from d`,
    [recordId, recordId, start, recordId, recordId, start, start, amount, amount],
  );
}

async function waitingForFence(): Promise<boolean> {
  const rows = await rowsOf<{ n: number }>(
    knexOf(t.service.database).raw(
      `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`,
    ),
  );
  return rows[0]!.n > 0;
}

const close = (periodContaining: string, customerAccount = 'fence') =>
  t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
    requestId: uuid(),
    customerAccount,
    periodContaining: new Date(periodContaining),
    issue: false,
  });

describe.runIf(onServer)('the charge fence of a close', () => {
  it('waits for a charge being written, and finds a later one above its fence', async () => {
    // September closed (nothing to invoice), so October's close follows it and stores its fence.
    await close('2026-09-15T12:00:00Z');
    const knex = knexOf(t.service.database);
    const writer = await knex.transaction();
    await writeCharge(writer, 'in-flight', '2026-10-20T10:00:00Z', '2.00');

    const october = close('2026-10-15T12:00:00Z');
    await expect.poll(waitingForFence, { timeout: 20_000, interval: 50 }).toBe(true);
    await writer.commit();
    const closed = await october;
    expect(closed.invoices.map((i) => i.netTotal!.amount)).toEqual(['3.00']);

    // Stored after October closed: above its fence, so November's close finds it.
    await knex.transaction((trx) => writeCharge(trx, 'late', '2026-10-25T10:00:00Z', '4.00'));
    const fences = await rowsOf<{ fence: string; highest: string }>(
      knex.raw(
        `select (select charges_seen_through::text from period_closings where customer_account = 'fence' and period_key = '2026-10') as fence,
                (select max(id)::text from charges) as highest`,
      ),
    );
    expect(BigInt(fences[0]!.fence)).toBeLessThan(BigInt(fences[0]!.highest));
    const november = await close('2026-11-15T12:00:00Z');
    expect(november.invoices.map((i) => i.netTotal!.amount)).toEqual(['4.00']);
  });
});

describe('a close after a gap', () => {
  it('stores no fence, so a charge of a period never closed is found by the next close', async () => {
    // September was never closed: October is this customer's first close.
    const october = await close('2026-10-15T12:00:00Z', 'gap');
    expect(october.invoices.map((i) => i.netTotal!.amount)).toEqual(['1.00']);
    const fences = await rowsOf<{ fence: string | null }>(
      knexOf(t.service.database).raw(
        `select charges_seen_through::text as fence from period_closings where customer_account = 'gap'`,
      ),
    );
    expect(fences).toEqual([{ fence: null }]);
    const november = await close('2026-11-15T12:00:00Z', 'gap');
    expect(november.invoices.map((i) => i.netTotal!.amount)).toEqual(['5.00']);
  });
});
