/**
 * A rerate and a close of the same period, at once, on PostgreSQL: no deadlock. Both take locks on
 * charge_claims keys (the close claims each charge, the rerate tombstones each charge it supersedes);
 * the close claims in charge-id order in one statement, the rerate pages through CDRs (5000 a page).
 * Here charge ids run against the CDRs' order (as after earlier rerates or late rating), and the big
 * customers have three pages each, so a page-wise rerate would lock its claims in the opposite order
 * to the close. Neither may fail, PostgreSQL must count no deadlock, and every current charge is
 * billed exactly once.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf, uuid, type ChargeRow } from './support';

const BIG = ['dl-big-0', 'dl-big-1', 'dl-big-2'];
const SMALL = Array.from({ length: 30 }, (_, i) => `dl-small-${String(i).padStart(2, '0')}`);
/** Three rerate pages each (PAGE = 5000 in rerate-charges.ts). */
const BIG_CALLS = 11_000;
const SEPTEMBER = { startTime: new Date('2026-08-31T22:00:00Z'), endTime: new Date('2026-09-30T22:00:00Z') };
/** Deadlocks are counted by the backend that hit one, and flushed to pg_stat_database within 10 s of idling. */
const STATS_FLUSH_MS = 11_000;

function calls(account: string, count: number): ChargeRow[] {
  return Array.from({ length: count }, (_, k) => ({
    account,
    conference: `c${k % 3}`,
    start: `2026-09-${String(1 + (k % 28)).padStart(2, '0')}T${String(8 + (k % 9)).padStart(2, '0')}:${String(k % 60).padStart(2, '0')}:00Z`,
    seconds: 60 + (k % 50) * 7,
    // Made-up prices: the live rules (standard-2026) price every call differently.
    amount: `${k % 10}.3333`,
    currency: 'EUR',
  }));
}

describe.runIf(Boolean(process.env.DATABASE_URL))('rerate and close of one period at once', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService({
      clock: new FixedClock(new Date('2026-11-28T12:00:00Z')),
      env: { BILLING_CLOSE_INTERVAL_MS: '0' },
    });
    const accounts = [...SMALL, ...BIG].sort();
    await insertCustomers(
      t.service.database,
      accounts.map((account) => ({ account, currency: 'EUR' })),
    );
    await insertCharges(
      t.service.database,
      accounts.flatMap((account) => calls(account, BIG.includes(account) ? BIG_CALLS : 40)),
      { chargeIds: 'reversed' },
    );
  }, 120_000);

  afterAll(async () => {
    await t?.stop();
  });

  async function deadlocks(): Promise<number> {
    const [row] = await rowsOf<{ n: string }>(
      knexOf(t.service.database).raw(
        `select deadlocks::text as n from pg_stat_database where datname = current_database()`,
      ),
    );
    return Number(row!.n);
  }

  it('neither fails nor deadlocks, and bills every current charge once', async () => {
    const before = await deadlocks();
    const billing = t.client(InvoiceServiceDefinition, 'billing');
    const finance = t.client(InvoiceServiceDefinition, 'finance');
    const started = Date.now();
    const timings: string[] = [];
    const timed = <T>(name: string, p: Promise<T>) =>
      p.then((v) => {
        timings.push(`${name} ${Date.now() - started} ms`);
        return v;
      });
    // The rerates start a little apart and the close in their midst, so that the close claims while
    // some rerate is between its pages.
    const [closed, ...rerates] = await Promise.all([
      timed(
        'close',
        delay(250).then(() =>
          billing.closeBillingPeriod({
            requestId: uuid(),
            periodContaining: new Date('2026-09-15T12:00:00Z'),
            issue: false,
          }),
        ),
      ),
      ...BIG.map((account, i) =>
        timed(
          `rerate ${account}`,
          delay(i * 120).then(() =>
            finance.rerateCharges({
              requestId: uuid(),
              customerAccount: account,
              period: SEPTEMBER,
              ruleSetHash: '',
              reason: '',
            }),
          ),
        ),
      ),
    ]);
    console.log(timings.join(', '));
    expect(closed.invoices).toHaveLength(BIG.length + SMALL.length);
    for (const r of rerates) expect(r.reratedCount).toBe(BIG_CALLS);

    await delay(STATS_FLUSH_MS);
    const after = await deadlocks();
    console.log(`deadlocks: ${after - before}`);
    expect(after - before).toBe(0);

    const knex = knexOf(t.service.database);
    const [unbilled] = await rowsOf<{ n: number }>(
      knex.raw(
        `select count(*)::int as n from charges c where superseded_at is null
         and not exists (select 1 from charge_claims k where k.charge_id = c.id and k.invoice_id is not null)`,
      ),
    );
    expect(unbilled!.n).toBe(0);
    // No tombstone is left on a charge that is still current (it would never be billed).
    const [stale] = await rowsOf<{ n: number }>(
      knex.raw(
        `select count(*)::int as n from charge_claims k join charges c on c.id = k.charge_id
         where k.invoice_id is null and c.superseded_at is null`,
      ),
    );
    expect(stale!.n).toBe(0);
    // Each customer's one invoice bills exactly its current charges (per line: access type, zone).
    type Net = { customer_account: string; net: string };
    const billed = await rowsOf<Net>(
      knex.raw(
        `select customer_account, sum(net_total)::numeric(20, 2)::text as net from invoices group by 1 order by 1`,
      ),
    );
    const due = await rowsOf<Net>(
      knex.raw(
        `select customer_account, sum(line)::numeric(20, 2)::text as net from (
           select c.customer_account, round(sum(c.amount), 2) as line from charges c join cdrs d on d.id = c.cdr_id
           where c.superseded_at is null group by c.customer_account, d.access_type, c.zone
         ) lines group by 1 order by 1`,
      ),
    );
    expect(billed).toEqual(due);
  }, 180_000);
});
