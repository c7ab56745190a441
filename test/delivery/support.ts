/** Issued documents for the outbox tests, made through the real service, and polling without fixed sleeps. */
import { InvoiceServiceDefinition, type Invoice } from '../../src/gen/billing/v1/invoice_service';
import type { TestService } from '../support/test-service';
import { insertCustomers, knexOf, rowsOf, uuid } from '../invoicing-service/support';
import type { Database } from '../../src/persistence/database';

export { knexOf, rowsOf };

/** Customers with one call each in October 2026, closed (and issued unless `issue` is false) through InvoiceService. */
export async function closeOctober(t: TestService, accounts: string[], issue = true): Promise<Invoice[]> {
  const db = t.service.database;
  await insertCustomers(
    db,
    accounts.map((account) => ({ account })),
  );
  await insertCalls(db, accounts);
  const billing = t.client(InvoiceServiceDefinition, 'billing');
  const invoices: Invoice[] = [];
  for (const account of accounts) {
    const result = await billing.closeBillingPeriod({
      requestId: uuid(),
      customerAccount: account,
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue,
    });
    invoices.push(...result.invoices);
  }
  return invoices;
}

export interface OutboxRow {
  number: string;
  status: string;
  attempts: number;
  last_error: string | null;
  delivered_to: string | null;
  format: string | null;
  next_attempt_at: Date | null;
}

export async function outboxRows(t: TestService): Promise<OutboxRow[]> {
  return rowsOf<OutboxRow>(
    knexOf(t.service.database).raw(
      `select i.number, o.status, o.attempts, o.last_error, o.delivered_to, o.format, o.next_attempt_at
       from document_outbox o join invoices i on i.id = o.invoice_id order by o.invoice_id`,
    ),
  );
}

export async function outboxRow(t: TestService, number: string): Promise<OutboxRow | undefined> {
  return (await outboxRows(t)).find((r) => r.number === number);
}

/** Polls `probe` until it returns something truthy; fails after `timeoutMs` (generous: CI machines are slow). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** One rated 10-minute local dial-in call on 2026-10-06 per account (1.50 at 0.15 a minute), with its charge. */
async function insertCalls(db: Database, accounts: string[]): Promise<void> {
  const knex = knexOf(db);
  await knex.raw(
    `insert into rule_sets (hash, name, version, effective_from, currency, files)
     values ('test-rules', 'test', '1', '2020-01-01T00:00:00Z', 'SEK', '[]') on conflict do nothing`,
  );
  const parts = [{ kind: 'usage', quantity: '600', unitCode: 'SEC', price: '0.15', baseQuantity: '60' }];
  await knex.raw(`select billing_ensure_month_partitions('2026-10-06T09:00:00Z', '2026-10-06T09:00:00Z')`);
  await knex.raw(
    `with input as (select account from jsonb_array_elements_text(?::jsonb) as a(account)),
     ins as (
       insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, start_time,
                         end_time, duration_seconds, rating_status)
       select 'test-bridge', 'outbox-' || account, 'outbox-' || account, 'conf-1', account, 'local_dial_in',
              '2026-10-06T09:00:00Z', '2026-10-06T09:10:00Z', 600, 'rated' from input
       returning id, customer_account
     )
     insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation,
                          zone, billed_seconds, parts)
     select id, customer_account, '2026-10-06T09:00:00Z', 1.5, 'SEK', 'test-rules', '{}',
            '{"bands":[{"name":"all","seconds":600,"billedSeconds":600,"rate":"0.15","amount":"1.5"}]}', '', 600, ?::jsonb
     from ins`,
    [JSON.stringify(accounts), JSON.stringify(parts)],
  );
}
