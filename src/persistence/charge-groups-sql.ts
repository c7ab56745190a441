/**
 * How charges are summed into the groups an invoice is built from (one per access type, zone,
 * currency, and late call), shared by closing a period and by rebuilding an invoice after a rerate,
 * so that both build from exactly the same figures.
 */
import type { ChargeGroup } from '../app/invoicing/ports';
import type { AccessType } from '../domain/cdr';
import { toDate } from './sql-helpers';

/**
 * The select list over `charges c join cdrs d`, for a period starting at the SQL expression
 * `periodStart`; group by it with `CHARGE_GROUP_BY` (positions after any leading columns).
 */
export function chargeGroupColumns(periodStart: string): string {
  return `'' as conference_id, d.access_type, c.zone, trim(c.currency) as currency,
       case when c.call_start < ${periodStart} then c.call_start end as late_start,
       count(*)::integer as calls,
       sum(c.billed_seconds)::text as billed_seconds,
       sum(c.amount)::text as amount`;
}

/** The grouping expressions of chargeGroupColumns (not positions: callers may add leading columns). */
export const CHARGE_GROUP_BY = `d.access_type, c.zone, trim(c.currency), late_start`;

export interface ChargeGroupRow {
  conference_id: string;
  access_type: AccessType;
  zone: string;
  currency: string;
  late_start: Date | string | null;
  calls: number;
  billed_seconds: string;
  amount: string;
}

export function toChargeGroup(r: ChargeGroupRow): ChargeGroup {
  return {
    conferenceId: r.conference_id,
    accessType: r.access_type,
    zone: r.zone,
    currency: r.currency,
    calls: r.calls,
    billedSeconds: r.billed_seconds,
    amount: r.amount,
    ...(r.late_start ? { lateStart: toDate(r.late_start) } : {}),
  };
}
