/**
 * The issued invoices and credit notes of one month by issue date, for the bookkeeping export: the
 * ids first (the issue date is a `date` column, the seller's local date), then the documents in
 * chunks through the same reader as every other invoice read (./invoice-reads.ts).
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { IssuedDocumentsByMonth } from '../app/bookkeeping/ports';
import type { IssuedInvoiceDocument } from '../domain/invoicing/types';
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

  async issuedInMonth(month: string): Promise<IssuedInvoiceDocument[]> {
    const first = `${month}-01`;
    const ids = rowsOf<{ id: string }>(await this.knex.raw(IDS_ISSUED_IN_MONTH, [first, first])).map(
      (r) => r.id,
    );
    const documents: IssuedInvoiceDocument[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const stored of await loadInvoices(this.knex, ids.slice(i, i + CHUNK))) {
        if (stored.document.status === 'issued') documents.push(stored.document);
      }
    }
    return documents;
  }
}
