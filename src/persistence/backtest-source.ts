/** Stored CDRs of a period with their current charges, read in keyset pages for a backtest. */
import type { BacktestSource, StoredCharge } from '../app/rating/ports';
import { fromRow, type StoredRow } from './cdr-store';
import type { Database } from './database';

const PAGE = 5000;

export class PostgresBacktestSource implements BacktestSource {
  constructor(private readonly database: Database) {}

  async *pages(filter: { from: Date; to: Date; customerAccount?: string }): AsyncIterable<StoredCharge[]> {
    const knex = this.database.orm.em.getKnex();
    let afterId = '0';
    for (;;) {
      const result = await knex.raw<{
        rows: (StoredRow & { id: string; charged_amount: string | null; charged_currency: string | null })[];
      }>(
        `select c.*, ch.amount::text as charged_amount, ch.currency as charged_currency
         from cdrs c left join charges ch on ch.cdr_id = c.id and ch.call_start = c.start_time and ch.superseded_at is null
         where c.start_time >= ? and c.start_time < ? and (?::text is null or c.customer_account = ?) and c.id > ?::bigint
         order by c.id limit ?`,
        [
          filter.from.toISOString(),
          filter.to.toISOString(),
          filter.customerAccount ?? null,
          filter.customerAccount ?? null,
          afterId,
          PAGE,
        ],
      );
      if (!result.rows.length) return;
      yield result.rows.map((r) => ({
        cdr: fromRow(r),
        charged: r.charged_amount
          ? { amount: r.charged_amount, currency: r.charged_currency!.trim() }
          : undefined,
      }));
      afterId = String(result.rows[result.rows.length - 1]!.id);
    }
  }
}
