/**
 * A month goes to the bookkeeping once: ExportBookkeeping refuses a month still running, records the
 * month it exports, and hands out the same file again; numbering then refuses a document dated in
 * that month (an invoice or a draft credit note issued with a backdated issue_date), and refuses an
 * issue date before the latest one of its series, whatever the month.
 */
import { Status } from 'nice-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/app/clock';
import { InvoiceServiceDefinition, InvoiceStatus } from '../../src/gen/billing/v1/invoice_service';
import { expectStatus } from '../support/expect-status';
import { parseSie } from '../support/sie-parser';
import { startTestService, type TestService } from '../support/test-service';
import { numbersTaken, octoberDrafts } from './october-drafts';
import { uuid } from './support';

// Thursday 10 December 2026, 13:00 in Stockholm: November has ended, December has not.
const NOW = new Date('2026-12-10T12:00:00Z');
const ACCOUNTS = ['month-a', 'month-b', 'month-c', 'month-d', 'month-e', 'month-f'];

let t: TestService;
const clock = new FixedClock(NOW);
const billing = () => t.client(InvoiceServiceDefinition, 'billing');
const finance = () => t.client(InvoiceServiceDefinition, 'finance');
let drafts: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestService({ clock, env: { BILLING_CLOSE_INTERVAL_MS: '0' } });
  drafts = await octoberDrafts(t, ACCOUNTS);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

/** IssueInvoice must refuse with FAILED_PRECONDITION naming `reason`, and leave everything as it was. */
async function refused(invoiceId: string, issueDate: string, reason: RegExp) {
  const before = await numbersTaken(t.service.database);
  const error = await expectStatus(
    billing().issueInvoice({ requestId: uuid(), invoiceId, issueDate }),
    Status.FAILED_PRECONDITION,
  );
  expect(error.details).toMatch(reason);
  const after = (await billing().getInvoice({ invoiceId })).invoice!;
  expect(after.status).toBe(InvoiceStatus.INVOICE_STATUS_DRAFT);
  expect(after.number).toBe('');
  expect(await numbersTaken(t.service.database)).toBe(before);
}

async function issue(invoiceId: string, issueDate: string) {
  return (await billing().issueInvoice({ requestId: uuid(), invoiceId, issueDate })).invoice!;
}

let november: Buffer;

describe('exporting a month to the bookkeeping', () => {
  it('refuses a month that has not ended in the seller time zone, naming the first day it may be exported', async () => {
    const error = await expectStatus(
      finance().exportBookkeeping({ period: '2026-12' }),
      Status.FAILED_PRECONDITION,
    );
    expect(error.details).toContain('2026-12 has not ended');
    expect(error.details).toContain('it can be exported from 2027-01-01 on');
    await expectStatus(finance().exportBookkeeping({ period: '2027-03' }), Status.FAILED_PRECONDITION);
  });

  it('refuses a backdated issue into an exported month, invoice or credit note, and changes nothing', async () => {
    const a = await issue(drafts['month-a']!, '2026-11-20');
    expect(a.issueDate).toBe('2026-11-20');
    november = Buffer.from((await finance().exportBookkeeping({ period: '2026-11' })).content);
    expect(parseSie(november).vouchers.map((v) => [v.date, v.text.split(',')[0]])).toEqual([
      ['20261120', `Faktura ${a.number}`],
    ]);

    // A date after a's keeps the numbers in date order: only the export stands in the way.
    await refused(drafts['month-b']!, '2026-11-25', /2026-11 is already exported to the bookkeeping/);
    const note = (
      await billing().createCreditNote({
        requestId: uuid(),
        invoiceId: a.id,
        reason: 'Wrong conference',
        lines: [],
        issue: false,
      })
    ).creditNote!;
    await refused(note.id, '2026-11-30', /2026-11 is already exported to the bookkeeping/);

    // The books still match the file: the month exports as before.
    const again = Buffer.from((await finance().exportBookkeeping({ period: '2026-11' })).content);
    expect(again.equals(november)).toBe(true);
    // Dated today, both are numbered (into December, which is still open).
    expect((await issue(note.id, '')).issueDate).toBe('2026-12-10');
  });

  it('refuses an issue date before the latest one of its series and year, and takes the same day', async () => {
    const c = await issue(drafts['month-c']!, '2026-12-05');
    await refused(
      drafts['month-d']!,
      '2026-12-01',
      new RegExp(`issue date 2026-12-01 is before 2026-12-05, the date of ${c.number}`),
    );
    await refused(
      drafts['month-d']!,
      '2026-12-04',
      /numbers follow their dates, so date it 2026-12-05 or later/,
    );
    const d = await issue(drafts['month-d']!, '2026-12-05');
    const seq = (n: string) => Number(n.split('-')[2]);
    expect(seq(d.number)).toBe(seq(c.number) + 1);
  });

  it('exporting a month again hands out the same file, dated (#GEN) when it was first exported', async () => {
    clock.set('2027-01-15T12:00:00Z');
    const file = await finance().exportBookkeeping({ period: '2026-11' });
    expect(Buffer.from(file.content).equals(november)).toBe(true);
    expect(parseSie(Buffer.from(file.content)).head.get('#GEN')).toEqual(['20261210']);
    // December, exported for the first time now, is stamped today and holds December's documents.
    const december = parseSie(
      Buffer.from((await finance().exportBookkeeping({ period: '2026-12' })).content),
    );
    expect(december.head.get('#GEN')).toEqual(['20270115']);
    expect(december.vouchers.map((v) => v.date)).toEqual(['20261205', '20261205', '20261210']);
  });

  it("numbers today's date by a replica whose clock is a moment behind at midnight", async () => {
    // 00:00:30 on 17 January in Stockholm: one replica issues dated the 17th.
    clock.set('2027-01-16T23:00:30Z');
    const e = await issue(drafts['month-e']!, '');
    expect(e.issueDate).toBe('2027-01-17');
    // Another, its clock 31 s behind, still on the 16th: numbered next, not refused.
    clock.set('2027-01-16T22:59:59Z');
    const f = await issue(drafts['month-f']!, '');
    expect(f.issueDate).toBe('2027-01-16');
    const seq = (n: string) => Number(n.split('-')[2]);
    expect(seq(f.number)).toBe(seq(e.number) + 1);
  });
});
