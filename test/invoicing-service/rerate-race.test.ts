/**
 * Two replicas on one PostgreSQL database: one closes and issues September for every customer while
 * the other re-rates every customer's September at the same time. Whatever the interleaving, each
 * customer is billed exactly once for exactly its current charges: the invoice plus its corrections
 * add up to what an invoice of the current charges would bill, and no current charge is left
 * uninvoiced or on two documents.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { FixedClock } from '../../src/app/clock';
import { startTestService, type TestService } from '../support/test-service';
import {
  insertCharges,
  insertCustomers,
  knexOf,
  rowsOf,
  startSecondInstance,
  uuid,
  type SecondInstance,
} from './support';

const CUSTOMERS = 40;
const accounts = Array.from({ length: CUSTOMERS }, (_, i) => `race-${String(i).padStart(3, '0')}`);
const SEPTEMBER = { startTime: new Date('2026-08-31T22:00:00Z'), endTime: new Date('2026-09-30T22:00:00Z') };

describe.runIf(Boolean(process.env.DATABASE_URL))('rerate racing with close on two replicas', () => {
  let t: TestService;
  let r2: SecondInstance;

  beforeAll(async () => {
    // A pinned clock: issuing an EUR invoice takes the exchange rate of its issue date (rules/exchange-rates.json).
    t = await startTestService({ clock: new FixedClock(new Date('2026-11-28T12:00:00Z')) });
    r2 = await startSecondInstance(t);
    await insertCustomers(
      t.service.database,
      accounts.map((account) => ({ account, currency: 'EUR' })),
    );
    // Local dial-in legs at made-up prices: the live rules (standard-2026) price every one differently.
    await insertCharges(
      t.service.database,
      accounts.flatMap((account, i) =>
        Array.from({ length: 20 + (i % 7) }, (_, k) => ({
          account,
          conference: `c${k % 3}`,
          start: `2026-09-${String(1 + (k % 28)).padStart(2, '0')}T09:${String(k % 60).padStart(2, '0')}:00Z`,
          seconds: 60 + 37 * k,
          amount: `${k}.3333`,
          currency: 'EUR',
        })),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await r2?.stop();
    await t?.stop();
  });

  it('bills every customer once, for exactly its current charges', async () => {
    const closer = t.client(InvoiceServiceDefinition, 'billing');
    const rerater = r2.client(InvoiceServiceDefinition, 'finance');
    // Per customer, a close (issuing two of three) and a rerate sent at about the same instant.
    const pairs = await Promise.all(
      accounts.map((account, i) =>
        Promise.all([
          // Every other close a little later, so that some rerates win the race and some lose it.
          delay(i % 2 ? 0 : 15).then(() =>
            closer.closeBillingPeriod({
              requestId: uuid(),
              customerAccount: account,
              periodContaining: new Date('2026-09-15T12:00:00Z'),
              issue: i % 3 !== 0,
            }),
          ),
          rerater.rerateCharges({
            requestId: uuid(),
            customerAccount: account,
            period: SEPTEMBER,
            ruleSetHash: '',
            reason: '',
          }),
        ]),
      ),
    );
    const rerates = pairs.map(([, r]) => r);
    expect(rerates.every((r) => r.reratedCount >= 20)).toBe(true);

    const knex = knexOf(t.service.database);
    const unbilled = await rowsOf<{ n: number }>(
      knex.raw(
        `select count(*)::int as n from charges c where superseded_at is null and not exists (select 1 from charge_claims k where k.charge_id = c.id and k.invoice_id is not null)`,
      ),
    );
    expect(unbilled[0]!.n).toBe(0);
    // What the documents bill per customer (invoice + credit notes + supplementary invoices), and what
    // an invoice of the current charges bills: per line (access type, zone) the rounded sum.
    type Net = { customer_account: string; net: string };
    const billed = await rowsOf<Net>(
      knex.raw(`select customer_account, sum(net_total)::text as net from invoices group by 1 order by 1`),
    );
    const due = await rowsOf<Net>(
      knex.raw(
        `select customer_account, sum(line)::text as net from (
         select c.customer_account, round(sum(c.amount), 2) as line from charges c join cdrs d on d.id = c.cdr_id
         where c.superseded_at is null group by c.customer_account, d.access_type, c.zone
       ) lines group by 1 order by 1`,
      ),
    );
    expect(billed).toHaveLength(CUSTOMERS);
    expect(billed.map((r) => [r.customer_account, Number(r.net).toFixed(2)])).toEqual(
      due.map((r) => [r.customer_account, Number(r.net).toFixed(2)]),
    );
  }, 120_000);
});
