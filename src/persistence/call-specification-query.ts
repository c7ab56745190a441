/**
 * The calls behind one invoice, for its call specification: the current charges claimed by the
 * invoice (not those a rerate superseded), oldest first; the use case masks the numbers.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { AccessType } from '../domain/cdr';
import type { CallSpecification } from '../domain/invoicing/call-specification';
import { rowsOf } from './sql-helpers';

interface CallRow {
  start_time: Date | string;
  access_type: AccessType;
  other_number: string | null;
  duration_seconds: number;
  amount: string;
  total_calls: string;
}

const CALLS = `
select d.start_time, d.access_type,
       case when d.access_type = 'dial_out' then d.called_number else d.caller_number end as other_number,
       d.duration_seconds, c.amount::text as amount, count(*) over ()::text as total_calls
from invoices i
join charges c on c.customer_account = i.customer_account and c.call_start < i.period_end
join charge_claims k on k.charge_id = c.id and k.invoice_id = i.id
join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
where i.id = ?::bigint and c.superseded_at is null
order by d.start_time, d.id
limit ?::integer`;

/** At most `limit` calls of the invoice, and how many it has. */
export async function loadCallSpecification(
  db: Knex,
  invoiceId: string,
  limit: number,
): Promise<CallSpecification> {
  const rows = rowsOf<CallRow>(await db.raw(CALLS, [invoiceId, limit]));
  return {
    totalCalls: rows.length ? Number(rows[0]!.total_calls) : 0,
    rows: rows.map((r) => ({
      start: (r.start_time instanceof Date ? r.start_time : new Date(r.start_time)).toISOString(),
      accessType: r.access_type,
      number: r.access_type === 'web' ? '' : (r.other_number ?? ''),
      durationSeconds: r.duration_seconds,
      amount: r.amount,
    })),
  };
}
