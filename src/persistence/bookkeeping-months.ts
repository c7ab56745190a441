/**
 * The bookkeeping's months in the database: which are exported (bookkeeping_exports) and the lock
 * that keeps an export and the numbering of documents dated in its month apart.
 *
 * The scheme: every transaction that numbers documents takes the month of their issue date in SHARED
 * mode (pg_advisory_xact_lock_shared), then, in a statement of its own, checks that the month is not
 * exported; the export takes the month EXCLUSIVE, then reads the documents and records the month,
 * committing both at once. Held to the end of each transaction, so:
 * - an issuer that holds the month keeps the export waiting until it has committed (or rolled back),
 *   and the export's read, a later statement under READ COMMITTED, sees its documents;
 * - an issuer that comes while the export holds the month waits, and its check, a later statement,
 *   sees the recorded month and refuses.
 * Issuers do not wait for each other (shared), and the export takes no other lock, so no new cycle
 * of waits arises. Both sides must run under READ COMMITTED (a REPEATABLE READ snapshot, taken at the
 * first statement, would not see what committed while waiting for the lock): checked, not assumed.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { FailedPreconditionError } from '../domain/errors';
import { rowsOf } from './sql-helpers';

const MONTH_KEY = `hashtextextended('billing.bookkeeping-month:' || ?, 0)`;

export interface RecordedExport {
  content: Buffer;
  voucherCount: number;
  exportedAt: Date;
}

async function assertReadCommitted(trx: Knex.Transaction, what: string): Promise<void> {
  const [row] = rowsOf<{ isolation: string }>(
    await trx.raw(`select current_setting('transaction_isolation') as isolation`),
  );
  if (row?.isolation !== 'read committed')
    throw new Error(`${what} must run under READ COMMITTED, not ${row?.isolation}`);
}

/**
 * For numbering documents dated in `month` ("YYYY-MM"): holds the month shared until the end of the
 * transaction and refuses, FailedPreconditionError, when it is exported.
 */
export async function holdMonthOpen(trx: Knex.Transaction, month: string, issueDate: string): Promise<void> {
  await trx.raw(`select pg_advisory_xact_lock_shared(${MONTH_KEY})`, [month]);
  // A statement after the lock: its snapshot includes an export that committed while we waited.
  const [row] = rowsOf<{ isolation: string; exported: boolean }>(
    await trx.raw(
      `select current_setting('transaction_isolation') as isolation,
              exists (select 1 from bookkeeping_exports where month = ?) as exported`,
      [month],
    ),
  );
  if (row?.isolation !== 'read committed')
    throw new Error(`numbering must run under READ COMMITTED, not ${row?.isolation}`);
  if (row.exported)
    throw new FailedPreconditionError(
      `issue date ${issueDate}: ${month} is already exported to the bookkeeping, so a document dated in it ` +
        'would never reach the books (exporting the month again gives the same file); date it in a month ' +
        'not yet exported, e.g. today',
    );
}

/** For the export of `month`: holds it exclusively until the end of the transaction. */
export async function lockMonthForExport(trx: Knex.Transaction, month: string): Promise<void> {
  await assertReadCommitted(trx, 'the bookkeeping export');
  await trx.raw(`select pg_advisory_xact_lock(${MONTH_KEY})`, [month]);
}

export async function recordedExport(
  trx: Knex.Transaction,
  month: string,
): Promise<RecordedExport | undefined> {
  const [row] = rowsOf<{ content: Buffer | Uint8Array; voucher_count: number; exported_at: Date | string }>(
    await trx.raw(`select content, voucher_count, exported_at from bookkeeping_exports where month = ?`, [
      month,
    ]),
  );
  if (!row) return undefined;
  return {
    content: Buffer.from(row.content),
    voucherCount: Number(row.voucher_count),
    exportedAt: new Date(row.exported_at),
  };
}

export async function recordExport(
  trx: Knex.Transaction,
  month: string,
  file: RecordedExport,
): Promise<void> {
  await trx.raw(
    `insert into bookkeeping_exports (month, content, voucher_count, exported_at) values (?, ?, ?, ?)`,
    [month, file.content, file.voucherCount, file.exportedAt.toISOString()],
  );
}
