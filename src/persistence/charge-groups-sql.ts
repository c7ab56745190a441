/**
 * How charges are summed into the groups an invoice is built from (one per access type, zone,
 * currency, and late call, and per conference for a customer whose invoices group lines by
 * conference), each with its priced parts summed per exact price, shared by closing a period and by
 * rebuilding an invoice after a rerate, so that both build from exactly the same figures.
 */
import type { ChargeGroup, ChargeGroupPart } from '../app/invoicing/ports';
import type { AccessType } from '../domain/cdr';
import type { ChargePartKind } from '../domain/rating/charge-parts';
import { toDate } from './sql-helpers';

/**
 * The statement's tail that sums the rows of the CTE `source` into charge groups. `source` must have
 * the columns `account`, `conference_id`, `access_type`, `zone`, `currency`, `late_start`, `amount`,
 * `billed_seconds` and `parts` (one row per charge). Each result row is one group with its parts as a
 * JSON array (and `extraColumns`, uncorrelated expressions, if given).
 *
 * One pass over the charges: each charge's parts are expanded once and summed per group and exact
 * price; the charge itself (calls, seconds, amount) is counted on its first part only (or on its
 * one row when it has none), and the few resulting rows are rolled up per group.
 */
export function chargeGroupsFrom(source: string, extraColumns = ''): string {
  return `
per_price as (
  select s.account, s.conference_id, s.access_type, s.zone, s.currency, s.late_start, e.kind, e."unitCode" as unit_code,
         e.price::numeric as price, e."baseQuantity"::numeric as base_quantity,
         e."discountPercent"::numeric as discount_percent, e."discountReason" as discount_reason, e.feature,
         sum(e.quantity::numeric) as quantity,
         count(*) filter (where e.ord is null or e.ord = 1) as calls,
         sum(s.billed_seconds) filter (where e.ord is null or e.ord = 1) as billed_seconds,
         sum(s.amount) filter (where e.ord is null or e.ord = 1) as amount
  from ${source} s
  left join lateral rows from (
    jsonb_to_recordset(s.parts) as (kind text, quantity text, "unitCode" text, price text, "baseQuantity" text,
                                    "discountPercent" text, "discountReason" text, feature text)
  ) with ordinality as e(kind, quantity, "unitCode", price, "baseQuantity", "discountPercent", "discountReason", feature, ord)
    on true
  group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
)
select account, conference_id, access_type, zone, currency, late_start,
       sum(calls)::integer as calls, coalesce(sum(billed_seconds), 0)::text as billed_seconds,
       coalesce(sum(amount), 0)::text as amount,
       coalesce(jsonb_agg(jsonb_build_object(
         'kind', kind, 'unitCode', unit_code, 'price', price::text, 'baseQuantity', base_quantity::text,
         'discountPercent', discount_percent::text, 'discountReason', discount_reason, 'feature', feature,
         'quantity', quantity::text)) filter (where kind is not null), '[]'::jsonb) as parts${extraColumns ? `, ${extraColumns}` : ''}
from per_price
group by account, conference_id, access_type, zone, currency, late_start`;
}

/**
 * The columns of one charge row for chargeGroupsFrom, over `charges c join cdrs d` (`c` with
 * `customer_account`), for a period starting at the SQL expression `periodStart`. The conference is
 * kept only for customers whose lines are grouped by conference: for everyone else one group per
 * access type and zone stays one row, however many conferences the period had.
 */
export function chargeRowColumns(periodStart: string): string {
  // Uncorrelated, so PostgreSQL hashes the few such customers once per statement instead of probing
  // the customers table for each of a million charge rows.
  return `case when c.customer_account in (select g.external_id from customers g
                                           where g.invoice_line_grouping = 'conference')
            then d.conference_id else '' end as conference_id,
       d.access_type, c.zone, trim(c.currency) as currency,
       case when c.call_start < ${periodStart} then c.call_start end as late_start,
       c.amount, c.billed_seconds, c.parts`;
}

interface PartRow {
  kind: ChargePartKind;
  unitCode: 'SEC' | 'C62';
  price: string;
  baseQuantity: string;
  discountPercent: string | null;
  discountReason: string | null;
  feature: string | null;
  quantity: string;
}

export interface ChargeGroupRow {
  account: string;
  conference_id: string;
  access_type: AccessType;
  zone: string;
  currency: string;
  late_start: Date | string | null;
  calls: number;
  billed_seconds: string;
  amount: string;
  parts: PartRow[] | string;
}

function toPart(p: PartRow): ChargeGroupPart {
  const part: ChargeGroupPart = {
    kind: p.kind,
    unitCode: p.unitCode,
    price: p.price,
    baseQuantity: p.baseQuantity,
    quantity: p.quantity,
  };
  if (p.discountPercent !== null) part.discountPercent = p.discountPercent;
  if (p.discountReason !== null) part.discountReason = p.discountReason;
  if (p.feature !== null) part.feature = p.feature;
  return part;
}

export function toChargeGroup(r: ChargeGroupRow): ChargeGroup {
  const parts = (typeof r.parts === 'string' ? JSON.parse(r.parts) : r.parts) as PartRow[];
  return {
    conferenceId: r.conference_id,
    accessType: r.access_type,
    zone: r.zone,
    currency: r.currency,
    calls: r.calls,
    billedSeconds: r.billed_seconds,
    amount: r.amount,
    parts: parts.map(toPart),
    ...(r.late_start ? { lateStart: toDate(r.late_start) } : {}),
  };
}
