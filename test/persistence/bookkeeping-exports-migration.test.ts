/**
 * Migration20261213000000BookkeepingExports on invoices issued before it: each counter's
 * last_issue_date becomes the latest issue date of its series and year (drafts and other years
 * not counted), so the first document numbered after the upgrade is already held to date order.
 */
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { useUnmigratedDatabase } from '../support/unmigrated-database';

const BEFORE = 'Migration20261211000000RequestResponsesAsText';

const { knex, migrateUpTo } = useUnmigratedDatabase();

let nextId = 1;
async function document(series: string, status: 'ISSUED' | 'DRAFT', issueDate: string | null) {
  const id = nextId++;
  await knex().raw(
    `insert into invoices (id, kind, status, customer_account, period_key, period_start, period_end, series, number,
                           currency, seller, buyer, issue_date, net_total, vat_total, gross_total, vat_breakdown)
     overriding system value
     values (?, 'INVOICE', ?, ?, '2025-10', '2025-10-01Z', '2025-11-01Z', ?, ?, 'SEK', '{}', '{}', ?::date, 1, 0, 1, '[]')`,
    [id, status, `cust-${id}`, series, status === 'ISSUED' ? `${series}-${id}` : null, issueDate],
  );
}

describe('the bookkeeping exports migration', () => {
  it('fills each counter with the latest issue date of its series and year', async () => {
    await migrateUpTo(BEFORE);
    await document('INV', 'ISSUED', '2025-12-30');
    await document('INV', 'ISSUED', '2025-11-02');
    await document('INV', 'ISSUED', '2026-02-03');
    await document('INV', 'ISSUED', '2026-01-15');
    await document('INV', 'DRAFT', null);
    await document('CN', 'ISSUED', '2026-01-20');
    await knex().raw(
      `insert into invoice_counters (series, year, last_number)
       values ('INV', 2025, 2), ('INV', 2026, 2), ('CN', 2026, 1), ('CN', 2027, 0)`,
    );

    await migrateUpTo();
    const counters = rowsOf<{ series: string; year: number; last_issue_date: string | null }>(
      await knex().raw(
        `select series, year, last_issue_date::text from invoice_counters order by series, year`,
      ),
    );
    expect(counters).toEqual([
      { series: 'CN', year: 2026, last_issue_date: '2026-01-20' },
      { series: 'CN', year: 2027, last_issue_date: null },
      { series: 'INV', year: 2025, last_issue_date: '2025-12-30' },
      { series: 'INV', year: 2026, last_issue_date: '2026-02-03' },
    ]);
    expect(rowsOf(await knex().raw(`select * from bookkeeping_exports`))).toEqual([]);
  });
});
