/**
 * Gives claimed periods and their charges back, inside the closing transaction that claimed them:
 * for a target whose invoice could not be built (a rare path), so that it closes once fixed.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { ClaimedTarget } from '../app/invoicing/close-ports';

// Through the customer's charges: charge_claims has no index on the invoice (it would cost every
// claim an index entry), and this path is rare.
const UNCLAIM_CHARGES = `
delete from charge_claims k
using jsonb_to_recordset(?::jsonb) as x(account text, invoice_id bigint), charges c
where c.customer_account = x.account and k.charge_id = c.id and k.invoice_id = x.invoice_id`;

const UNCLAIM_PERIODS = `
delete from period_closings p using jsonb_to_recordset(?::jsonb) as x(account text, period_key text)
where p.customer_account = x.account and p.period_key = x.period_key`;

export async function releaseClaims(trx: Knex.Transaction, claims: ClaimedTarget[]): Promise<void> {
  if (!claims.length) return;
  await trx.raw(UNCLAIM_CHARGES, [
    JSON.stringify(claims.map((c) => ({ account: c.target.customer.account, invoice_id: c.invoiceId }))),
  ]);
  await trx.raw(UNCLAIM_PERIODS, [
    JSON.stringify(
      claims.map((c) => ({ account: c.target.customer.account, period_key: c.target.period.key })),
    ),
  ]);
}
