/**
 * The customers to invoice for a month: those with current charges whose call started in that month
 * in the customer's own time zone, with name, address and e-mail. SQL: it filters on charges, which
 * has no entity, in each customer's zone.
 */
import type { MailingListEntry } from '../app/invoicing/mailing-list-ports';
import type { Database } from './database';
import { json, rowsOf } from './sql-helpers';

export type { MailingListEntry };

/** `monthStart`/`nextMonthStart` are local dates "YYYY-MM-01", read in each customer's zone. */
export async function mailingList(
  database: Database,
  monthStart: string,
  nextMonthStart: string,
): Promise<MailingListEntry[]> {
  const rows = rowsOf<{ external_id: string; name: string; email: string | null; address: unknown }>(
    await database.orm.em.getKnex().raw(
      `select c.external_id, c.name, c.email, c.address from customers c
       where exists (
         select 1 from charges ch
         where ch.customer_account = c.external_id and ch.superseded_at is null
           and ch.call_start >= (?::timestamp at time zone c.time_zone)
           and ch.call_start < (?::timestamp at time zone c.time_zone))
       order by c.name, c.external_id`,
      [`${monthStart} 00:00:00`, `${nextMonthStart} 00:00:00`],
    ),
  );
  return rows.map((r) => {
    const a =
      json<{ lines?: string[]; postalCode?: string; city?: string; countryCode?: string }>(r.address) ?? {};
    return {
      externalId: r.external_id,
      name: r.name,
      email: r.email ?? '',
      addressLines: a.lines ?? [],
      postalCode: a.postalCode ?? '',
      city: a.city ?? '',
      countryCode: a.countryCode ?? '',
    };
  });
}
