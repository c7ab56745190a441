/**
 * A customer whose close fails every time (here a database error on its invoice, as an overflow
 * or a damaged row would raise) must not keep every other customer of its chunk from being
 * invoiced, run after run: the others close, it is reported, and it is tried again next run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDuePeriods } from '../../src/app/invoicing/close-due-periods';
import { loadInvoicingConfig } from '../../src/config/invoicing-config';
import { PostgresCloseUnitOfWork } from '../../src/persistence/close-unit-of-work';
import { PostgresInvoiceStore } from '../../src/persistence/invoice-store';
import { startTestService, type TestService } from '../support/test-service';
import { insertCharges, insertCustomers, knexOf, rowsOf } from './support';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
  await insertCustomers(t.service.database, [
    { account: 'a-failing' },
    { account: 'b-fine' },
    { account: 'c-fine' },
  ]);
  await insertCharges(t.service.database, [
    { account: 'a-failing', start: '2026-09-10T10:00:00Z', seconds: 60, amount: '1' },
    { account: 'b-fine', start: '2026-09-10T10:00:00Z', seconds: 60, amount: '2' },
    { account: 'c-fine', start: '2026-09-10T10:00:00Z', seconds: 60, amount: '3' },
  ]);
  await knexOf(t.service.database).raw(`
    create function refuse_a_failing() returns trigger language plpgsql as $$
    begin
      if new.customer_account = 'a-failing' then
        raise exception 'numeric field overflow' using errcode = '22003';
      end if;
      return new;
    end $$;
    create trigger refuse_a_failing before insert on invoices
      for each row execute function refuse_a_failing();`);
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const invoiced = async () =>
  (
    await rowsOf<{ customer_account: string }>(
      knexOf(t.service.database).raw(`select customer_account from invoices order by 1`),
    )
  ).map((r) => r.customer_account);

describe('a scheduled close with one customer whose close always fails', () => {
  it('invoices the others and reports that one, run after run', async () => {
    const deps = {
      store: new PostgresInvoiceStore(t.service.database),
      closing: new PostgresCloseUnitOfWork(t.service.database),
      settings: { ...loadInvoicingConfig({}), closeGraceHours: 72 },
      now: () => new Date('2026-10-10T00:00:00Z'),
    };
    const first = await closeDuePeriods(deps);
    expect(first.periodsClosed).toBe(2);
    expect(first.skipped).toEqual([
      {
        customerAccount: 'a-failing',
        periodKey: expect.any(String) as unknown,
        reason: 'closing failed; see the server log; will try again',
      },
    ]);
    expect(first.failed.map((f) => [f.customerAccount, (f.error as { code?: string }).code])).toEqual([
      ['a-failing', '22003'],
    ]);
    expect(await invoiced()).toEqual(['b-fine', 'c-fine']);

    // The next run tries it again (and only it); once the cause is gone it closes.
    const again = await closeDuePeriods(deps);
    expect(again.failed.map((f) => f.customerAccount)).toEqual(['a-failing']);
    expect(again.periodsClosed).toBe(0);
    await knexOf(t.service.database).raw(`drop trigger refuse_a_failing on invoices`);
    const fixed = await closeDuePeriods(deps);
    expect(fixed).toMatchObject({ periodsClosed: 1, failed: [], skipped: [] });
    expect(await invoiced()).toEqual(['a-failing', 'b-fine', 'c-fine']);
  });
});
