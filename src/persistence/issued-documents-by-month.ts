/**
 * The bookkeeping export's months (./bookkeeping-months.ts has the lock and the record): a month's
 * issued invoices and credit notes by issue date, the ids first (the issue date is a `date` column,
 * the seller's local date), then the documents in chunks through the same reader as every other
 * invoice read (./invoice-reads.ts); the file built from them recorded in the same transaction.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { IssuedDocumentsByMonth, MonthFile } from '../app/bookkeeping/ports';
import type { IssuedInvoiceDocument } from '../domain/invoicing/types';
import { lockMonthForExport, recordedExport, recordExport } from './bookkeeping-months';
import type { Database } from './database';
import { loadInvoices } from './invoice-reads';
import { rowsOf } from './sql-helpers';

const IDS_ISSUED_IN_MONTH = `
select id::text from invoices
where status = 'ISSUED' and issue_date >= ?::date and issue_date < (?::date + interval '1 month')
order by issue_date, id`;

/** Documents read per statement pair: bounds the JSON parameter and the rows held at once. */
const CHUNK = 500;

export class PostgresIssuedDocuments implements IssuedDocumentsByMonth {
  constructor(private readonly database: Database) {}

  private get knex(): Knex {
    return this.database.orm.em.getKnex();
  }

  /** READ COMMITTED (knex's default): each statement after the lock sees what committed before it. */
  exportMonth(
    month: string,
    exportedAt: Date,
    build: (documents: IssuedInvoiceDocument[]) => MonthFile,
  ): Promise<MonthFile> {
    return this.knex.transaction(async (trx) => {
      await lockMonthForExport(trx, month);
      const recorded = await recordedExport(trx, month);
      if (recorded) return { content: recorded.content, voucherCount: recorded.voucherCount };
      const file = build(await issuedInMonth(trx, month));
      await recordExport(trx, month, { ...file, exportedAt });
      return file;
    });
  }
}

async function issuedInMonth(trx: Knex.Transaction, month: string): Promise<IssuedInvoiceDocument[]> {
  const first = `${month}-01`;
  const ids = rowsOf<{ id: string }>(await trx.raw(IDS_ISSUED_IN_MONTH, [first, first])).map((r) => r.id);
  const documents: IssuedInvoiceDocument[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    for (const stored of await loadInvoices(trx, ids.slice(i, i + CHUNK))) {
      if (stored.document.status === 'issued') documents.push(stored.document);
    }
  }
  return documents;
}
