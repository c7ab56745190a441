/**
 * The calls behind one invoice, for its call specification, oldest first; the use case masks the
 * numbers. A draft lists the charges it bills now. An issued invoice never changes, so it lists the
 * charges it billed when it was issued, though a later rerate superseded them: a rerate keeps the
 * old charge (with its amount, `superseded_at` set) and claims its replacement for the same invoice,
 * corrected there by a credit note or supplementary invoice (src/persistence/rerate-store.ts).
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

/**
 * Which of its charges an issued invoice billed: those made before it was issued and superseded, if
 * at all, after. Both instants are the database's transaction times (`now()`), and a rerate's
 * charges and corrections share its one. A rerate that corrected the invoice came after it, even
 * one that began before the issuing transaction (it supersedes first and finds the invoice issued
 * when it locks it later): its instant counts as after the issue whatever its value.
 */
const CALLS = `
with inv as (select id, customer_account, period_end, issued_at from invoices where id = ?::bigint),
corrected as (
  select x.created_at as at from invoices x join inv i on x.credited_invoice_id = i.id or x.supplements_invoice_id = i.id
)
select d.start_time, d.access_type,
       case when d.access_type = 'dial_out' then d.called_number else d.caller_number end as other_number,
       d.duration_seconds, c.amount::text as amount, count(*) over ()::text as total_calls
from inv i
join charges c on c.customer_account = i.customer_account and c.call_start < i.period_end
join charge_claims k on k.charge_id = c.id and k.invoice_id = i.id
join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
where case when i.issued_at is null then c.superseded_at is null
      else c.created_at <= i.issued_at and c.created_at not in (select at from corrected)
           and (c.superseded_at is null or c.superseded_at > i.issued_at or c.superseded_at in (select at from corrected))
      end
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
