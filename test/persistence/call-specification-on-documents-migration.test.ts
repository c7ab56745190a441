/**
 * Migration20261214000000CallSpecificationOnDocuments: every invoice stored before it, issued or
 * draft, records the call specification choice its customer has at migration (what its PDF
 * rendered with until then), through the immutability trigger, which is on again afterwards; credit
 * notes and invoices of customers without one record nothing, and nothing is queued for delivery.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { loadInvoices } from '../../src/persistence/invoice-reads';
import { rowsOf } from '../../src/persistence/sql-helpers';
import { useUnmigratedDatabase } from '../support/unmigrated-database';

const BEFORE = 'Migration20261211000000RequestResponsesAsText';

const { knex, migrateUpTo } = useUnmigratedDatabase();

async function customer(db: Knex, account: string, callSpecification: boolean): Promise<void> {
  await db.raw(
    `insert into customers (external_id, name, currency, time_zone, call_specification)
     values (?, ?, 'SEK', 'Europe/Stockholm', ?)`,
    [account, `Customer ${account}`, callSpecification],
  );
}

/** An invoice (or a credit note of `credits`) as stored before the migration; issued when numbered. */
async function document(
  db: Knex,
  account: string,
  periodKey: string,
  options: { number?: string; credits?: string } = {},
): Promise<string> {
  const [row] = rowsOf<{ id: string }>(
    await db.raw(
      `insert into invoices (kind, status, customer_account, period_key, period_start, period_end, series, currency,
                             seller, buyer, net_total, vat_total, gross_total, vat_breakdown, document,
                             credited_invoice_id, credit_reason)
       values (?, 'DRAFT', ?, ?, '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z', 'INV', 'SEK', '{"name":"Seller"}',
               '{"name":"Buyer"}', 0, 0, 0, '[]', ?::jsonb, ?::bigint, ?)
       returning id::text`,
      [
        options.credits ? 'CREDIT_NOTE' : 'INVOICE',
        account,
        periodKey,
        JSON.stringify({ period: { key: periodKey }, issueDate: '2026-11-02', notes: ['as issued'] }),
        options.credits ?? null,
        options.credits ? 'wrong price' : null,
      ],
    ),
  );
  if (options.number) {
    await db.raw(
      `update invoices set status = 'ISSUED', number = ?, issue_date = '2026-11-02' where id = ?::bigint`,
      [options.number, row!.id],
    );
  }
  return row!.id;
}

const documentOf = async (db: Knex, id: string) =>
  rowsOf<{ document: Record<string, unknown> }>(
    await db.raw(`select document from invoices where id = ?::bigint`, [id]),
  )[0]!.document;

const outboxSize = async (db: Knex) =>
  Number(rowsOf<{ n: string }>(await db.raw(`select count(*)::text as n from document_outbox`))[0]!.n);

describe('the call specification on documents migration', () => {
  it("records each invoice's customer's choice, through the immutability trigger, and leaves it on", async () => {
    await migrateUpTo(BEFORE);
    const db = knex();
    await customer(db, 'ON', true);
    await customer(db, 'OFF', false);
    const issued = await document(db, 'ON', '2026-10', { number: 'INV-2026-000001' });
    const draft = await document(db, 'ON', '2026-11');
    const credit = await document(db, 'ON', '2026-10', { number: 'CN-2026-000001', credits: issued });
    const off = await document(db, 'OFF', '2026-10', { number: 'INV-2026-000002' });
    const gone = await document(db, 'GONE', '2026-10', { number: 'INV-2026-000003' });
    const queued = await outboxSize(db);

    await migrateUpTo();
    const unchanged = { period: { key: '2026-10' }, issueDate: '2026-11-02', notes: ['as issued'] };
    expect(await documentOf(db, issued)).toEqual({ ...unchanged, callSpecification: true });
    expect(await documentOf(db, draft)).toEqual({
      ...unchanged,
      period: { key: '2026-11' },
      callSpecification: true,
    });
    expect(await documentOf(db, credit)).toEqual(unchanged);
    expect(await documentOf(db, off)).toEqual(unchanged);
    expect(await documentOf(db, gone)).toEqual(unchanged);
    expect(await outboxSize(db)).toBe(queued);

    // The rendering reads the choice from the document, as loaded.
    const loaded = await loadInvoices(db, [issued, credit, off]);
    expect(loaded.map((i) => i.document.callSpecification)).toEqual([true, undefined, undefined]);

    // Issued invoices are immutable again.
    await expect(
      db.raw(`update invoices set document = document - 'callSpecification' where id = ?::bigint`, [issued]),
    ).rejects.toThrow(/is issued and can never change/);
    const [trigger] = rowsOf<{ tgenabled: string }>(
      await db.raw(`select tgenabled from pg_trigger where tgname = 'invoices_immutable'`),
    );
    expect(trigger).toEqual({ tgenabled: 'O' });
  });
});
