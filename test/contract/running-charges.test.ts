/**
 * invoice_service.proto, GetRunningChargesRequest.as_of: "Charges of CDRs started before this
 * instant". Exact to the instant: a call later on as_of's own local day is not counted, nor one
 * starting at as_of itself; a superseded charge (rerated) counts only by its replacement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { AccessType } from '../../src/gen/billing/v1/common';
import { CustomerServiceDefinition } from '../../src/gen/billing/v1/customer_service';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { REBUILD_DAILY_TOTALS } from '../../src/persistence/daily-totals-sql';
import { createCustomers } from '../support/customers';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, knexOf } from '../invoicing-service/support';
import { rowsOf } from '../../src/persistence/sql-helpers';

// Europe/Stockholm is UTC+1 in November: the local day 2026-11-20 is [2026-11-19T23:00Z, 2026-11-20T23:00Z).
const NOW = new Date('2026-11-20T15:00:00Z');
const AS_OF = new Date('2026-11-20T12:00:00Z');

let t: TestService;
const sales = () => t.client(InvoiceServiceDefinition, 'sales');

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW) });
  await createCustomers(t.client(CustomerServiceDefinition, 'sales'), ['RC']);
  const db = t.service.database;
  await insertCharges(db, [
    // the previous period (local 2026-10-31 23:30): never counted
    { account: 'RC', start: '2026-10-31T22:30:00Z', seconds: 60, amount: '9.00', currency: 'EUR' },
    // whole local days before as_of's day: from the daily totals
    { account: 'RC', start: '2026-11-05T10:00:00Z', seconds: 600, amount: '1.00', currency: 'EUR' },
    { account: 'RC', start: '2026-11-19T22:30:00Z', seconds: 60, amount: '0.10', currency: 'EUR' }, // local 11-19 23:30
    // as_of's local day, before as_of: counted from the charges
    { account: 'RC', start: '2026-11-19T23:30:00Z', seconds: 60, amount: '0.20', currency: 'EUR' }, // local 11-20 00:30
    { account: 'RC', start: '2026-11-20T08:00:00Z', seconds: 120, amount: '0.40', currency: 'EUR' }, // rerated to 0.45 below
    {
      account: 'RC',
      accessType: 'dial_out',
      zone: 'SE-mobile',
      start: '2026-11-20T11:59:59Z',
      seconds: 60,
      amount: '0.63',
      currency: 'EUR',
    },
    // as_of's local day, at and after as_of: not counted
    { account: 'RC', start: '2026-11-20T12:00:00Z', seconds: 60, amount: '5.00', currency: 'EUR' },
    { account: 'RC', start: '2026-11-20T14:00:00Z', seconds: 300, amount: '7.00', currency: 'EUR' },
  ]);
  const knex = knexOf(db);
  // A rerate: the 08:00 charge is superseded by one of 0.45.
  const [old] = rowsOf<{ id: string }>(
    await knex.raw(
      `update charges set superseded_at = now() where customer_account = 'RC' and call_start = '2026-11-20T08:00:00Z' returning *`,
    ),
  );
  await knex.raw(
    `insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation, zone, billed_seconds,
                          parts)
     select cdr_id, customer_account, call_start, 0.45, currency, rule_set_hash, fired_rules, explanation, zone, billed_seconds,
            '[{"kind":"usage","quantity":"1","unitCode":"C62","price":"0.45","baseQuantity":"1"}]'::jsonb
     from charges where id = ?`,
    [old!.id],
  );
  // The daily totals as ingest and rerating keep them: from the current charges.
  const [drop, rebuild] = REBUILD_DAILY_TOTALS;
  await knex.transaction(async (trx) => {
    await trx.raw(drop, [JSON.stringify(['RC'])]);
    await trx.raw(rebuild, [JSON.stringify(['RC'])]);
  });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const dialIn = (minutes: string, calls: number, amount: string) => ({
  accessType: AccessType.ACCESS_TYPE_LOCAL_DIAL_IN,
  zone: '',
  minutes,
  calls,
  amount: { currencyCode: 'EUR', amount },
});
const seMobile = {
  accessType: AccessType.ACCESS_TYPE_DIAL_OUT,
  zone: 'SE-mobile',
  minutes: '1',
  calls: 1,
  amount: { currencyCode: 'EUR', amount: '0.63' },
};

describe('GetRunningCharges as_of', () => {
  it('counts exactly the calls that start before as_of: whole days from the totals, its own day from the charges', async () => {
    const r = await sales().getRunningCharges({ customerAccount: 'RC', asOf: AS_OF });
    expect(r.asOf).toEqual(AS_OF);
    expect(r.periodStart).toEqual(new Date('2026-10-31T23:00:00Z'));
    // 1.00 + 0.10 + 0.20 + 0.45 (the rerated charge, not 0.40) = 1.75 over 600 + 60 + 60 + 120 s.
    expect(r.breakdown).toEqual([seMobile, dialIn('14', 4, '1.75')]);
    expect(r.totals).toEqual([{ currencyCode: 'EUR', amount: '2.38' }]);
  });

  it('one millisecond later counts the call starting at as_of', async () => {
    const r = await sales().getRunningCharges({ customerAccount: 'RC', asOf: new Date(AS_OF.getTime() + 1) });
    expect(r.totals).toEqual([{ currencyCode: 'EUR', amount: '7.38' }]);
  });

  it('at local midnight counts the whole days before it only', async () => {
    const r = await sales().getRunningCharges({
      customerAccount: 'RC',
      asOf: new Date('2026-11-19T23:00:00Z'),
    });
    expect(r.breakdown).toEqual([dialIn('11', 2, '1.10')]);
  });

  it("unset counts up to the service clock's now", async () => {
    const r = await sales().getRunningCharges({ customerAccount: 'RC' });
    expect(r.asOf).toEqual(NOW);
    expect(r.totals).toEqual([{ currencyCode: 'EUR', amount: '14.38' }]);
  });
});
