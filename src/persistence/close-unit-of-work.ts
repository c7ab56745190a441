/**
 * The closing transaction on PostgreSQL (and the embedded PGlite): REPEATABLE READ on a server,
 * retried whole on a deadlock or serialization failure. It only claims, loads, inserts and releases
 * (./close-claims.ts, ./close-release.ts, ./invoice-documents.ts); what goes on an invoice is decided
 * by the use case running in it (src/app/invoicing/close-targets.ts).
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { CloseTransaction, CloseUnitOfWork } from '../app/invoicing/close-ports';
import { claimCharges, claimPeriods, invoicesOfPeriods } from './close-claims';
import { chargeFence } from './charge-fence';
import { releaseClaims } from './close-release';
import type { Database } from './database';
import { allocateInvoiceIds, insertDocuments } from './invoice-documents';
import { retryOnConflict } from './sql-helpers';

/** Per closing transaction (so at most parallelism x this, per sort or hash of the statement). */
const CLOSE_WORK_MEM = '64MB';

export class PostgresCloseUnitOfWork implements CloseUnitOfWork {
  /** Chunks of different customers close side by side on a server (one commits while another builds). */
  readonly parallelism: number;

  constructor(
    private readonly database: Database,
    options: { parallelism?: number } = {},
  ) {
    this.parallelism = database.kind === 'postgresql' ? (options.parallelism ?? 2) : 1;
  }

  withTransaction<T>(work: (tx: CloseTransaction) => Promise<T>): Promise<T> {
    const knex: Knex = this.database.orm.em.getKnex();
    return retryOnConflict(8, async () => {
      // Before the transaction, so its snapshot sees every charge up to the fence (charge-fence.ts).
      const fence = await chargeFence(knex);
      return knex.transaction(async (trx) => {
        if (this.database.kind === 'postgresql')
          await trx.raw('set transaction isolation level repeatable read');
        // Room to hash and sort a chunk's 100k charges in memory instead of spilling to disk; and no
        // JIT: compiling the claim statement took longer (0.7 s a chunk) than running it.
        await trx.raw(`set local work_mem = '${CLOSE_WORK_MEM}'; set local jit = off`);
        return work(closeTransaction(trx, fence));
      });
    });
  }
}

function closeTransaction(trx: Knex.Transaction, fence: string): CloseTransaction {
  return {
    claimPeriods: (targets) => claimPeriods(trx, targets, fence),
    invoicesOfPeriods: (targets) => invoicesOfPeriods(trx, targets),
    allocateInvoiceIds: (count) => allocateInvoiceIds(trx, count),
    claimCharges: (claims) => claimCharges(trx, claims),
    release: (claims) => releaseClaims(trx, claims),
    insertInvoices: (invoices) =>
      insertDocuments(
        trx,
        invoices.map(({ invoiceId, target, draft, series }) => ({
          id: invoiceId,
          kind: 'INVOICE' as const,
          customerAccount: target.customer.account,
          periodKey: target.period.key,
          periodStart: target.period.start,
          periodEnd: target.period.end,
          series,
          draft,
        })),
      ),
  };
}
