/**
 * Retention of old months (`billing retention`): a month of CDRs and charges leaves the hot tables
 * as whole partitions, never as a row-by-row delete, and only when nothing in it can still change
 * money. Invoices are not touched: their lines, totals and documents are stored on their own.
 *
 * A month may go when:
 * - it has no unrated CDR (a retry could still price it), and
 * - every current charge in it is on an ISSUED invoice (no open charge, none on a draft), and
 * - every invoice holding one of its charges is for a period that ends by the cutoff (the start of
 *   the first month kept, UTC). Periods are laid out in the customer's zone and from the contract's
 *   anchor day, so a period still kept can begin in an older UTC month (a Stockholm November begins
 *   on 31 October 23:00 UTC) or hold a late call from one; a rerate of that period builds the invoice
 *   again from its charges, and the live invoice's call specification lists them: they all stay.
 * Its claims go with it (they name charges that no longer exist); its dedup keys stay in `cdr_keys`,
 * so a bridge resending an archived record is still told it is a duplicate.
 *
 * By default a month is archived: its two partitions are detached and moved to the schema
 * `billing_archive`, where `pg_dump --schema billing_archive` can take them off the database and a
 * DROP removes them. With `drop` they are dropped at once.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { Database } from './database';
import { rowsOf, toDate } from './sql-helpers';

export interface MonthOfHistory {
  /** "YYYY-MM", UTC, as the partitions are cut. */
  month: string;
  cdrs: number;
  charges: number;
  /** Unrated CDRs: a retry may still price them. */
  unrated: number;
  /** Current charges not on an issued invoice: open, or on a draft. */
  uninvoiced: number;
  /** The earliest start of a period whose invoice holds a charge of this month; null when none does. */
  periodsStart: Date | null;
  /**
   * The latest end of a period whose invoice holds a charge of this month; null when none does. The
   * month can go only with a cutoff at or after it.
   */
  periodsEnd: Date | null;
}

export interface RetentionOutcome {
  month: string;
  outcome: 'archived' | 'dropped' | 'kept';
  /** Why a month was kept; empty otherwise. */
  reason: string;
}

export const ARCHIVE_SCHEMA = 'billing_archive';

export class MonthRetention {
  constructor(private readonly database: Database) {}

  private get knex(): Knex {
    return this.database.orm.em.getKnex();
  }

  /** Every month that has partitions, oldest first, with what would keep it. */
  async months(): Promise<MonthOfHistory[]> {
    const names = rowsOf<{ month: string }>(
      await this.knex.raw(`
        select substr(c.relname, 6) as month
        from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname = 'cdrs' and c.relnamespace = p.relnamespace
        order by 1`),
    );
    const out: MonthOfHistory[] = [];
    for (const { month } of names) out.push(await this.usage(this.knex, month.replace('_', '-')));
    return out;
  }

  /**
   * Archives (or drops) every month before `before` ("YYYY-MM") that may go; each month in its own
   * transaction, which locks the month's rows against a late retry or rerate while it checks them.
   */
  async retire(before: string, options: { drop: boolean }): Promise<RetentionOutcome[]> {
    const history = (await this.months()).filter((m) => m.month < before);
    const together = keptTogether(history, before);
    const outcomes: RetentionOutcome[] = [];
    for (const { month } of history) {
      const other = together.get(month);
      if (other) {
        outcomes.push({
          month,
          outcome: 'kept',
          reason: `it shares a billed period with ${other}, which is kept`,
        });
        continue;
      }
      outcomes.push(await this.knex.transaction((trx) => this.retireMonth(trx, month, before, options.drop)));
    }
    return outcomes;
  }

  private async retireMonth(
    trx: Knex.Transaction,
    label: string,
    before: string,
    drop: boolean,
  ): Promise<RetentionOutcome> {
    const [cdrs, charges] = partitionsOf(label);
    // Detaching needs the parents; taking them first keeps the lock order of every retention run.
    await trx.raw(`lock table cdrs, charges in share row exclusive mode`);
    const why = ownReasons(await this.usage(trx, label), before);
    if (why.length) return { month: label, outcome: 'kept', reason: why.join(' and ') };
    await trx.raw(`delete from charge_claims k using ?? c where k.charge_id = c.id`, [charges]);
    await trx.raw(`alter table cdrs detach partition ??`, [cdrs]);
    await trx.raw(`alter table charges detach partition ??`, [charges]);
    if (drop) {
      await trx.raw(`drop table ??, ??`, [cdrs, charges]);
      return { month: label, outcome: 'dropped', reason: '' };
    }
    await trx.raw(`create schema if not exists ${ARCHIVE_SCHEMA}`);
    for (const table of [cdrs, charges]) await moveToArchive(trx, table);
    return { month: label, outcome: 'archived', reason: '' };
  }

  private async usage(knex: Knex, month: string): Promise<MonthOfHistory> {
    const [cdrs, charges] = partitionsOf(month);
    const [row] = rowsOf<{
      cdrs: number;
      charges: number;
      unrated: number;
      uninvoiced: number;
      periods_start: Date | string | null;
      periods_end: Date | string | null;
    }>(
      await knex.raw(
        `select (select count(*)::int from ??) as cdrs,
                (select count(*)::int from ??) as charges,
                (select count(*)::int from ?? where rating_status = 'unrated') as unrated,
                claimed.uninvoiced, claimed.periods_start, claimed.periods_end
         from (select count(*) filter (where c.superseded_at is null and (i.status is null or i.status <> 'ISSUED'))::int
                        as uninvoiced,
                      min(i.period_start) as periods_start, max(i.period_end) as periods_end
               from ?? c
               left join charge_claims k on k.charge_id = c.id
               left join invoices i on i.id = k.invoice_id) claimed`,
        [cdrs, charges, cdrs, charges],
      ),
    );
    const { periods_start, periods_end, ...counts } = row!;
    return {
      month,
      ...counts,
      periodsStart: periods_start === null ? null : toDate(periods_start),
      periodsEnd: periods_end === null ? null : toDate(periods_end),
    };
  }
}

/** Why a month must stay by itself: open work in it, or a period invoiced from it not yet over. */
function ownReasons(usage: MonthOfHistory, before: string): string[] {
  const cutoff = new Date(`${before}-01T00:00:00Z`);
  const periodKept = usage.periodsEnd !== null && usage.periodsEnd > cutoff;
  return [
    usage.unrated ? `${usage.unrated} unrated CDRs` : '',
    usage.uninvoiced ? `${usage.uninvoiced} charges not on an issued invoice` : '',
    periodKept
      ? `charges of a period that ends ${usage.periodsEnd!.toISOString()}, after ${before} begins (UTC)`
      : '',
  ].filter(Boolean);
}

/**
 * The months that must stay because another month they share a billed period with stays, each with
 * that month: archiving one of them alone would leave the period's invoice half in the archive, and
 * a rerate of it would rebuild the invoice from half its calls. A month shares the periods of the
 * invoices holding its charges with every month those periods cover (a Stockholm October covers 30
 * September 22:00 UTC on; a period from the 15th covers two months). Kept months pull in their
 * partners, and theirs in turn, until nothing changes.
 */
function keptTogether(history: MonthOfHistory[], before: string): Map<string, string> {
  const kept = new Set(history.filter((m) => ownReasons(m, before).length).map((m) => m.month));
  const partner = new Map<string, string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const m of history) {
      if (kept.has(m.month) || !m.periodsStart || !m.periodsEnd) continue;
      const other = history.find(
        (o) => o.month !== m.month && kept.has(o.month) && covers(m.periodsStart!, m.periodsEnd!, o.month),
      );
      if (!other) continue;
      kept.add(m.month);
      partner.set(m.month, other.month);
      changed = true;
    }
  }
  return partner;
}

/** Whether [start, end) overlaps the UTC month "YYYY-MM". */
function covers(start: Date, end: Date, month: string): boolean {
  const from = new Date(`${month}-01T00:00:00Z`);
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  return start < to && end > from;
}

/**
 * Moves a detached partition into the archive schema. A month archived before (late CDRs came in
 * for it afterwards) is already there: the later part gets a numbered name beside it. The id's
 * default (nextval of the live tables' sequence) goes: an archived month takes no new rows, and
 * the default would tie it to the live table, so that nothing could drop or replace that table
 * (a down migration) while the archive exists.
 */
async function moveToArchive(trx: Knex.Transaction, table: string): Promise<void> {
  await trx.raw(`alter table ?? alter column id drop default`, [table]);
  let name = table;
  for (
    let n = 2;
    rowsOf<{ t: string | null }>(
      await trx.raw(`select to_regclass(?) as t`, [`${ARCHIVE_SCHEMA}.${name}`]),
    )[0]!.t;
    n++
  )
    name = `${table}_${n}`;
  if (name !== table) await trx.raw(`alter table ?? rename to ??`, [table, name]);
  await trx.raw(`alter table ?? set schema ${ARCHIVE_SCHEMA}`, [name]);
}

/** The partitions of a month "YYYY-MM": cdrs_YYYY_MM and charges_YYYY_MM. */
function partitionsOf(month: string): [string, string] {
  const suffix = month.replace('-', '_');
  return [`cdrs_${suffix}`, `charges_${suffix}`];
}
