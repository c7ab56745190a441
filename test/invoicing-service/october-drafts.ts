/**
 * What numbering tests issue: customers with one October call each, their Octobers closed as drafts
 * (issue: false) through the service; and how many numbers have been taken so far.
 */
import type { Database } from '../../src/persistence/database';
import { InvoiceServiceDefinition } from '../../src/gen/billing/v1/invoice_service';
import type { TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf, uuid } from './support';

/** The October draft of each account, by account. */
export async function octoberDrafts(t: TestService, accounts: string[]): Promise<Record<string, string>> {
  await insertCustomers(
    t.service.database,
    accounts.map((account) => ({ account })),
  );
  await insertCharges(
    t.service.database,
    accounts.map((account) => ({
      account,
      start: '2026-10-05T09:00:00Z',
      seconds: 600,
      amount: '4.00',
      currency: 'SEK',
    })),
  );
  const drafts: Record<string, string> = {};
  for (const account of accounts) {
    const closed = await t.client(InvoiceServiceDefinition, 'billing').closeBillingPeriod({
      requestId: uuid(),
      customerAccount: account,
      periodContaining: new Date('2026-10-15T12:00:00Z'),
      issue: false,
    });
    drafts[account] = closed.invoices[0]!.id;
  }
  return drafts;
}

/** Numbers taken in every series and year: a refused issue must leave it as it was. */
export async function numbersTaken(database: Database): Promise<number> {
  const rows = await rowsOf<{ n: string }>(
    knexOf(database).raw(`select coalesce(sum(last_number), 0)::text as n from invoice_counters`),
  );
  return Number(rows[0]!.n);
}
