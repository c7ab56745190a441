/**
 * Two replicas of the service (two OS processes) on one PostgreSQL database, closing and issuing at the same time:
 * one invoice per customer and period, and an unbroken series of numbers without duplicates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvoiceServiceDefinition,
  InvoiceStatus,
  type Invoice,
} from '../../src/gen/billing/v1/invoice_service';
import { parseInvoiceNumber } from '../../src/domain/invoicing/numbering';
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

const CUSTOMERS = 120;
const accounts = Array.from({ length: CUSTOMERS }, (_, i) => `cust-${String(i).padStart(4, '0')}`);

describe.runIf(Boolean(process.env.DATABASE_URL))('two replicas on one database', () => {
  let t: TestService;
  let r2: SecondInstance;

  beforeAll(async () => {
    t = await startTestService();
    r2 = await startSecondInstance(t);
    await insertCustomers(
      t.service.database,
      accounts.map((account) => ({ account })),
    );
    await insertCharges(
      t.service.database,
      accounts.flatMap((account, i) =>
        ['2026-08', '2026-09', '2026-10'].flatMap((month) =>
          Array.from({ length: 1 + (i % 3) }, (_, k) => ({
            account,
            conference: `c${k}`,
            start: `${month}-1${k}T10:00:00Z`,
            seconds: 60 + k,
            amount: `${1 + k}.125`,
          })),
        ),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await r2?.stop();
    await t?.stop();
  });

  const clients = () =>
    [t.client(InvoiceServiceDefinition, 'billing'), r2.client(InvoiceServiceDefinition, 'billing')] as const;

  async function onePerCustomerAndPeriod(): Promise<void> {
    const dup = await rowsOf(
      knexOf(t.service.database).raw(
        `select customer_account, period_key, count(*)::int from invoices where kind = 'INVOICE' group by 1, 2 having count(*) > 1`,
      ),
    );
    expect(dup).toEqual([]);
  }

  it('closing the same period from both replicas at once gives one invoice per customer', async () => {
    const [a, b] = clients();
    const at = new Date('2026-10-15T00:00:00Z');
    const results = await Promise.all([
      a.closeBillingPeriod({ requestId: uuid(), customerAccount: '', periodContaining: at, issue: false }),
      b.closeBillingPeriod({ requestId: uuid(), customerAccount: '', periodContaining: at, issue: false }),
      b.closeBillingPeriod({ requestId: uuid(), customerAccount: '', periodContaining: at, issue: false }),
      ...accounts.slice(0, 10).map((account, i) =>
        (i % 2 ? a : b).closeBillingPeriod({
          requestId: uuid(),
          customerAccount: account,
          periodContaining: at,
          issue: false,
        }),
      ),
    ]);
    const all = results.slice(0, 3).map((r) => r.invoices.map((i) => i.id).sort());
    expect(all[0]).toHaveLength(CUSTOMERS);
    expect(all[1]).toEqual(all[0]);
    expect(all[2]).toEqual(all[0]);
    for (const r of results.slice(3)) expect(all[0]).toContain(r.invoices[0]!.id);
    await onePerCustomerAndPeriod();
  });

  it('issuing from both replicas at once gives an unbroken series without duplicates', async () => {
    const [a, b] = clients();
    const drafts: Invoice[] = [];
    let pageToken = '';
    do {
      const page = await a.listInvoices({
        pageSize: 50,
        pageToken,
        status: InvoiceStatus.INVOICE_STATUS_DRAFT,
      });
      drafts.push(...page.invoices);
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(drafts).toHaveLength(CUSTOMERS);
    const issued: string[] = [];
    const queue = [...drafts];
    await Promise.all(
      Array.from({ length: 16 }, async (_, worker) => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const r = await (worker % 2 ? a : b).issueInvoice({
            requestId: uuid(),
            invoiceId: next.id,
            issueDate: '2026-11-03',
          });
          issued.push(r.invoice!.number);
        }
      }),
    );
    const seqs = issued.map((n) => parseInvoiceNumber(n).seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: CUSTOMERS }, (_, i) => i + 1));
  });

  it('closing and issuing at once (issue=true) from both replicas continues the series without gaps', async () => {
    const [a, b] = clients();
    const at = new Date('2026-09-15T00:00:00Z');
    const results = await Promise.all([
      a.closeBillingPeriod({ requestId: uuid(), customerAccount: '', periodContaining: at, issue: true }),
      b.closeBillingPeriod({ requestId: uuid(), customerAccount: '', periodContaining: at, issue: true }),
      ...accounts.slice(0, 20).map((account, i) =>
        (i % 2 ? a : b).closeBillingPeriod({
          requestId: uuid(),
          customerAccount: account,
          periodContaining: at,
          issue: true,
        }),
      ),
    ]);
    expect(results[0].invoices.map((i) => i.number).sort()).toEqual(
      results[1].invoices.map((i) => i.number).sort(),
    );
    // Issued today (the replicas run on the real clock), these continue the series of today's year,
    // which is the 2026 series above when the suite runs in 2026 and a new one in any later year.
    const numbers = await rowsOf<{ number: string }>(
      knexOf(t.service.database).raw(
        `select number from invoices where series = 'INV' and number is not null`,
      ),
    );
    const byYear = new Map<number, number[]>();
    for (const { number } of numbers) {
      const { year, seq } = parseInvoiceNumber(number);
      byYear.set(year, [...(byYear.get(year) ?? []), seq]);
    }
    const total = [...byYear.values()].reduce((n, seqs) => n + seqs.length, 0);
    expect(total).toBe(2 * CUSTOMERS);
    for (const seqs of byYear.values()) {
      expect(seqs.sort((x, y) => x - y)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    }
    await onePerCustomerAndPeriod();
  });
});
