/**
 * IssueInvoice's issue date: not after the seller's today, not before the invoice's period ended (the
 * day after its last, in the seller's time zone). A refused date numbers nothing.
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { InvoiceServiceDefinition, InvoiceStatus } from '../../src/gen/billing/v1/invoice_service';
import { expectStatus } from '../support/expect-status';
import { startTestService, type TestService } from '../support/test-service';
import { numbersTaken, octoberDrafts } from './october-drafts';
import { uuid } from './support';

// Saturday 28 November 2026, 13:00 in Stockholm.
const NOW = new Date('2026-11-28T12:00:00Z');
const ACCOUNTS = ['date-a'];

let t: TestService;
const billing = () => t.client(InvoiceServiceDefinition, 'billing');
let drafts: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestService({ clock: new FixedClock(NOW), env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  drafts = await octoberDrafts(t, ACCOUNTS);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

async function refused(account: string, issueDate: string, reason: RegExp) {
  const before = await numbersTaken(t.service.database);
  const error = await expectStatus(
    billing().issueInvoice({ requestId: uuid(), invoiceId: drafts[account]!, issueDate }),
    Status.INVALID_ARGUMENT,
  );
  expect(error.details).toContain('issue_date');
  expect(error.details).toMatch(reason);
  expect((await billing().getInvoice({ invoiceId: drafts[account]! })).invoice!.status).toBe(
    InvoiceStatus.INVOICE_STATUS_DRAFT,
  );
  expect(await numbersTaken(t.service.database)).toBe(before);
}

describe('IssueInvoice issue_date', () => {
  it('refuses a date before the period ended or after today', async () => {
    // October ends at midnight between 31 October and 1 November.
    await refused('date-a', '2025-01-15', /before the billing period 2026-10 ended \(2026-11-01\)/);
    await refused('date-a', '2026-10-31', /before the billing period 2026-10 ended \(2026-11-01\)/);
    await refused('date-a', '2026-11-29', /after today \(2026-11-28\)/);
  });
});
