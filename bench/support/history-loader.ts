/**
 * Every statement of bench:growth that writes billing tables, set-based (INSERT ... SELECT
 * generate_series): the bench's customers, a month of rated CDRs with their charges and daily totals,
 * and closing a month as a real system would have done it (period closings, issued and delivered
 * invoices with lines, a claim per charge). Nothing else in bench:growth knows the table layout, so a
 * schema change (partitioned cdrs and charges, a cdr_keys dedup table, ...) is adapted here alone:
 * the column lists are the constants and CTEs below.
 *
 * Rows look like what ingest writes today (src/persistence/cdr-store.ts): a narrow charge with its
 * `pricing_facts` and no explanation words (charges_explained holds), priced `parts`, `zone` and
 * `billed_seconds`, the customer's daily totals upserted in the same statement. Calls spread over the
 * billing period of customers in Europe/Stockholm, all four access types, 1 to 30 minutes.
 */
import type { Knex } from '@mikro-orm/postgresql';
import { arrayLiteral } from '../../src/persistence/cdr-store';
import { dailyTotalsUpsertCte } from '../../src/persistence/daily-totals-sql';
import { rowsOf } from '../../src/persistence/sql-helpers';

export const TIME_ZONE = 'Europe/Stockholm';
export const CURRENCY = 'SEK';
export const RULE_SET = 'bench';
/** The customer whose running charges are measured. */
export const BIG_ACCOUNT = 'BIG';
const SERIES = 'INV';
/** Rows per INSERT ... SELECT, so a month of a million charges never sits in one statement. */
const CHUNK = 250_000;

/** A billing period as closing sees it: [start, end) and its key ("2026-10"), local end date. */
export interface Period {
  key: string;
  start: Date;
  end: Date;
  /** The local first date, "YYYY-MM-DD". */
  startDate: string;
  /** The local date of `end` (the next period's first day), "YYYY-MM-DD": when it was invoiced. */
  endDate: string;
}

/** The i-th (1-based) spread customer's account. */
export function customerAccount(i: number): string {
  return `C${String(i).padStart(6, '0')}`;
}

/** The bench's rule set row and `count` customers (plus BIG_ACCOUNT), SEK, Europe/Stockholm, monthly. */
export async function seedCustomers(knex: Knex, count: number): Promise<void> {
  await knex.raw(
    `insert into rule_sets (hash, name, version, effective_from, currency, files)
     values (?, 'bench', '1', '2020-01-01', ?, '[]')`,
    [RULE_SET, CURRENCY],
  );
  await knex.raw(
    `insert into customers (external_id, name, currency, time_zone, country_code, vat_number, email, address)
     select 'C' || lpad(g::text, 6, '0'), 'Customer ' || g || ' AB', ?, ?, 'SE', 'SE5560' || lpad(g::text, 6, '0') || '01',
            'billing@c' || g || '.example',
            jsonb_build_object('lines', jsonb_build_array('Gatan ' || g), 'postalCode', '111 22', 'city', 'Stockholm', 'countryCode', 'SE')
     from generate_series(1, ?::integer) g
     union all
     select ?, 'Big Customer AB', ?, ?, 'SE', 'SE556999999901', 'billing@big.example',
            jsonb_build_object('lines', jsonb_build_array('Storgatan 1'), 'postalCode', '111 22', 'city', 'Stockholm', 'countryCode', 'SE')`,
    [CURRENCY, TIME_ZONE, count, BIG_ACCOUNT, CURRENCY, TIME_ZONE],
  );
}

export interface ChargeBatch {
  period: Period;
  /** Unique per batch: record ids are `${prefix}-${g}`. */
  prefix: string;
  count: number;
  /** Round-robin over the first N spread customers, or every charge on one account. */
  customers: number | string;
  /** Bridge ids the CDRs come from, round-robin (real bridges' record ids pile up under their key). */
  bridges: string[];
}

/** The charge ids a batch got (consecutive: the bench is the only writer), as text. */
export interface ChargeIds {
  first: string;
  last: string;
  count: number;
}

/**
 * Rated CDRs + their charges + daily totals, one statement per CHUNK rows. Calls start at
 * `(g * 7919) mod (period seconds - 1 h)` into the period, so they cover it evenly out of order.
 */
const INSERT_CHUNK = `
with p as (
  select ?::timestamptz as start, ?::bigint as span, ?::text as prefix, ?::text[] as bridges, ?::integer as spread,
         ?::text as account
),
src as (
  select g,
         p.bridges[1 + (g % array_length(p.bridges, 1))] as bridge_id,
         coalesce(p.account, 'C' || lpad((1 + g % p.spread)::text, 6, '0')) as customer_account,
         (array['local_dial_in','toll_free_dial_in','dial_out','web'])[1 + (g / p.spread) % 4] as access_type,
         p.start + ((g * 7919) % p.span) * interval '1 second' as start_time,
         (60 + g % 1741)::integer as duration
  from p, generate_series(?::bigint, ?::bigint) g
),
keyed as (
  insert into cdr_keys (bridge_id, record_id, fingerprint, start_time)
  select bridge_id, p.prefix || '-' || g, md5(p.prefix || g) || md5(g || p.prefix), start_time
  from src, p
),
ins as (
  insert into cdrs (bridge_id, record_id, fingerprint, conference_id, customer_account, access_type, caller_number,
                    called_number, start_time, answer_time, end_time, duration_seconds, received_at, rating_status)
  select bridge_id, p.prefix || '-' || g, md5(p.prefix || g) || md5(g || p.prefix),
         'conf-' || customer_account || '-' || (g / p.spread / 4) % 37,
         customer_account, access_type,
         case when access_type in ('local_dial_in', 'toll_free_dial_in') then '+468' || lpad((g % 10000000)::text, 7, '0') end,
         case when access_type = 'dial_out' then '+4670' || lpad((g % 10000000)::text, 7, '0') end,
         start_time, start_time + interval '2 seconds', start_time + (2 + duration) * interval '1 second', duration,
         start_time + (7 + duration) * interval '1 second', 'rated'
  from src, p
  returning id, customer_account, access_type, start_time, duration_seconds, received_at
),
charged as (
  insert into charges (cdr_id, customer_account, call_start, amount, currency, rule_set_hash, fired_rules, pricing_facts,
                       zone, billed_seconds, parts, created_at, access_type)
  select id, customer_account, start_time, round(duration_seconds * 0.0015, 2), '${CURRENCY}', '${RULE_SET}',
         array[access_type || ' rate'],
         '{"customer": {"timeZone": "${TIME_ZONE}", "currency": "${CURRENCY}"}}'::jsonb,
         case when access_type = 'dial_out' then 'SE_MOBILE' else '' end, duration_seconds,
         -- as rating records it: the call's seconds at 0.09 per 60 s
         jsonb_build_array(jsonb_build_object('kind', 'usage', 'quantity', duration_seconds::text, 'unitCode', 'SEC',
                                              'price', '0.09', 'baseQuantity', '60')),
         received_at, access_type
  from ins
  returning id, cdr_id, customer_account, call_start, amount, currency, zone, billed_seconds
),
fresh as (
  select c.customer_account, c.call_start, i.access_type, c.amount, c.currency, c.zone, c.billed_seconds
  from charged c join ins i on i.id = c.cdr_id
),
${dailyTotalsUpsertCte('fresh')}
select min(id)::text as first, max(id)::text as last, count(*)::integer as count from charged`;

/**
 * Inserts a batch of rated CDRs with their charges and daily totals, one transaction per chunk; the
 * charge ids. Per chunk: no JIT (compiling the statement cost more than it saved) and room to sort
 * in memory; and, when the role may (a superuser), no foreign-key triggers
 * (session_replication_role = replica, as pg_restore --disable-triggers loads): each charge refers
 * to the CDR the same statement inserted and to the rule set seedCustomers wrote. Checks, NOT NULL
 * and unique keys still hold as ever.
 */
export async function insertCharges(knex: Knex, batch: ChargeBatch): Promise<ChargeIds> {
  const span = Math.floor((batch.period.end.getTime() - batch.period.start.getTime()) / 1000) - 3600;
  const spread = typeof batch.customers === 'number' ? batch.customers : 1;
  const account = typeof batch.customers === 'string' ? batch.customers : null;
  const [role] = rowsOf<{ superuser: boolean }>(
    await knex.raw(`select rolsuper as superuser from pg_roles where rolname = current_user`),
  );
  // The month's partitions, as the CDR store creates them before a batch.
  await knex.raw(`select billing_ensure_month_partitions(?::timestamptz, ?::timestamptz)`, [
    batch.period.start.toISOString(),
    batch.period.end.toISOString(),
  ]);
  let ids: ChargeIds | undefined;
  for (let done = 0; done < batch.count; done += CHUNK) {
    const last = Math.min(batch.count, done + CHUNK);
    const [r] = await knex.transaction(async (trx) => {
      await trx.raw(`set local jit = off; set local work_mem = '256MB'`);
      if (role?.superuser) await trx.raw(`set local session_replication_role = replica`);
      return rowsOf<ChargeIds>(
        await trx.raw(INSERT_CHUNK, [
          batch.period.start.toISOString(),
          span,
          batch.prefix,
          arrayLiteral(batch.bridges),
          spread,
          account,
          done + 1,
          last,
        ]),
      );
    });
    ids = ids ? { first: ids.first, last: r!.last, count: ids.count + r!.count } : r!;
  }
  return ids ?? { first: '0', last: '-1', count: 0 };
}

/**
 * Closes a loaded month as the service would have, one transaction: every customer's period
 * closing; per customer with charges an invoice (one line per access type and zone, 25 % VAT),
 * issued the day after the period with the next numbers of its year from the locked counter row,
 * delivered through the outbox; a claim for every charge of the period. `ids` bound the period's
 * charges (with the period itself, so a partition can be pruned).
 */
export async function invoiceMonth(
  knex: Knex,
  period: Period,
  ids: ChargeIds,
): Promise<{ invoices: number; lines: number }> {
  return knex.transaction(async (trx) => {
    await trx.raw(`set local jit = off; set local work_mem = '256MB'`);
    const range = [ids.first, ids.last, period.start.toISOString(), period.end.toISOString()];
    await trx.raw(
      `create temporary table month_groups on commit drop as
       select c.customer_account, d.access_type, c.zone, trim(c.currency) as currency, count(*)::integer as calls,
              sum(c.billed_seconds)::bigint as billed_seconds, sum(c.amount) as amount
       from charges c join cdrs d on d.id = c.cdr_id and d.start_time = c.call_start
       where c.id between ?::bigint and ?::bigint and c.call_start >= ?::timestamptz and c.call_start < ?::timestamptz
         and c.superseded_at is null
       group by 1, 2, 3, 4`,
      range,
    );
    const times = [period.key, period.start.toISOString(), period.end.toISOString()];
    await trx.raw(
      // The charge fence a close stores (src/persistence/charge-fence.ts): the bench is the only
      // writer, so every charge up to the month's last one was committed and seen.
      `insert into period_closings (customer_account, period_key, period_start, period_end, closed_at, charges_seen_through)
       select external_id, ?, ?::timestamptz, ?::timestamptz, ?::timestamptz + interval '2 hours', ?::bigint from customers
       order by external_id`,
      [...times, period.end.toISOString(), ids.last],
    );
    const [inserted] = rowsOf<{ n: number }>(
      await trx.raw(
        `with totals as (
           select customer_account, currency, sum(amount) as net, round(sum(amount) * 0.25, 2) as vat
           from month_groups group by 1, 2
         ),
         ins as (
           insert into invoices (kind, status, customer_account, period_key, period_start, period_end, series, currency,
                                 seller, buyer, payment_terms_days, net_total, vat_total, gross_total, vat_breakdown,
                                 document, created_at)
           select 'INVOICE', 'DRAFT', t.customer_account, ?, ?::timestamptz, ?::timestamptz, '${SERIES}', t.currency,
                  jsonb_build_object('name', 'Example Conferencing AB', 'vatNumber', 'SE556000000101', 'countryCode', 'SE',
                                     'addressLines', jsonb_build_array('Storgatan 1'), 'postalCode', '111 22', 'city', 'Stockholm',
                                     'registrationNumber', '556000-0001', 'taxRegistrationNote', 'Godkänd för F-skatt',
                                     'bankAccount', jsonb_build_object('bankgiro', '123-4566')),
                  jsonb_build_object('customerId', t.customer_account, 'name', cu.name, 'vatNumber', cu.vat_number,
                                     'email', cu.email, 'countryCode', cu.country_code, 'addressLines', cu.address->'lines',
                                     'postalCode', cu.address->>'postalCode', 'city', cu.address->>'city'),
                  cu.payment_terms_days, t.net, t.vat, t.net + t.vat,
                  jsonb_build_array(jsonb_build_object('vatCategory', 'S', 'vatRate', '25', 'taxableAmount', t.net::text,
                                                       'vatAmount', t.vat::text)),
                  jsonb_build_object('period', jsonb_build_object('key', ?::text, 'start', ?::text, 'end', ?::text,
                                                                  'startDate', ?::text, 'lastDate', (?::date - 1)::text,
                                                                  'timeZone', '${TIME_ZONE}'),
                                     'issueDate', ?::text),
                  ?::timestamptz + interval '2 hours'
           from totals t join customers cu on cu.external_id = t.customer_account
           order by t.customer_account
           returning 1
         )
         select count(*)::integer as n from ins`,
        [...times, ...times, period.startDate, period.endDate, period.endDate, period.end.toISOString()],
      ),
    );
    const [lines] = rowsOf<{ n: number }>(
      await trx.raw(
        `with ins as (
           insert into invoice_lines (invoice_id, line_no, kind, description, access_type, zone, calls, quantity, unit_code,
                                      unit_price, base_quantity, net_amount, vat_rate, vat_category)
           select i.id, row_number() over (partition by i.id order by g.access_type, g.zone), 'usage',
                  case g.access_type when 'local_dial_in' then 'Dial-in, local number'
                                     when 'toll_free_dial_in' then 'Dial-in, toll-free number'
                                     when 'dial_out' then 'Dial-out, Sweden, mobile networks' else 'Web / VoIP' end,
                  g.access_type, nullif(g.zone, ''), null, g.billed_seconds, 'SEC', 0.09, 60, g.amount, 25, 'S'
           from month_groups g
           join invoices i on i.customer_account = g.customer_account and i.period_key = ? and i.kind = 'INVOICE'
             and i.supplements_invoice_id is null
           returning 1
         )
         select count(*)::integer as n from ins`,
        [period.key],
      ),
    );
    await trx.raw(
      `insert into charge_claims (charge_id, invoice_id)
       select c.id, i.id from charges c
       join invoices i on i.customer_account = c.customer_account and i.period_key = ? and i.kind = 'INVOICE'
         and i.supplements_invoice_id is null
       where c.id between ?::bigint and ?::bigint and c.call_start >= ?::timestamptz and c.call_start < ?::timestamptz
         and c.superseded_at is null
       order by c.id`,
      [period.key, ...range],
    );
    await issueMonth(trx, period);
    return { invoices: inserted?.n ?? 0, lines: lines?.n ?? 0 };
  });
}

/** Numbers the period's drafts from the locked counter row of their year; the outbox delivered them. */
async function issueMonth(trx: Knex.Transaction, period: Period): Promise<void> {
  const year = Number(period.endDate.slice(0, 4));
  await trx.raw(
    `insert into invoice_counters (series, year, last_number) values (?, ?, 0) on conflict do nothing`,
    [SERIES, year],
  );
  const [counter] = rowsOf<{ last: string }>(
    await trx.raw(
      `select last_number::text as last from invoice_counters where series = ? and year = ? for update`,
      [SERIES, year],
    ),
  );
  const issuedAt = new Date(period.end.getTime() + 6 * 3600_000).toISOString();
  const [issued] = rowsOf<{ n: number }>(
    await trx.raw(
      `with n as (
         select id, ?::bigint + row_number() over (order by id) as seq
         from invoices where period_key = ? and status = 'DRAFT' and kind = 'INVOICE'
       ),
       upd as (
         update invoices i
         set status = 'ISSUED', number = ? || '-' || ? || '-' || lpad(n.seq::text, greatest(6, length(n.seq::text)), '0'),
             issue_date = ?::date, due_date = ?::date + i.payment_terms_days, issued_at = ?::timestamptz
         from n where i.id = n.id
         returning 1
       )
       select count(*)::integer as n from upd`,
      [counter!.last, period.key, SERIES, year, period.endDate, period.endDate, issuedAt],
    ),
  );
  await trx.raw(`update invoice_counters set last_number = last_number + ? where series = ? and year = ?`, [
    issued?.n ?? 0,
    SERIES,
    year,
  ]);
  await trx.raw(
    `update document_outbox o
     set status = 'delivered', format = 'application/pdf', attempts = 1, delivered_at = i.issued_at + interval '1 minute',
         delivered_to = 'directory'
     from invoices i
     where i.id = o.invoice_id and i.period_key = ? and o.status = 'pending'`,
    [period.key],
  );
}

/**
 * One month of history as the service would have left it: `charges` CDRs + charges over the first
 * `customers` spread customers and `big` for BIG_ACCOUNT, then closed, invoiced, issued and claimed
 * (invoiceMonth). Timings in ms.
 */
export async function loadHistoryMonth(
  knex: Knex,
  month: { period: Period; charges: number; customers: number; big: number; bridges: string[] },
): Promise<{ charges: number; insertMs: number; invoices: number; lines: number; invoiceMs: number }> {
  const { period, bridges } = month;
  const t0 = performance.now();
  const spread = await insertCharges(knex, {
    period,
    prefix: `h${period.key}`,
    count: month.charges,
    customers: month.customers,
    bridges,
  });
  const big = await insertCharges(knex, {
    period,
    prefix: `hbig${period.key}`,
    count: month.big,
    customers: BIG_ACCOUNT,
    bridges,
  });
  // One range: the bench is the only writer, so the two batches' ids are consecutive.
  const ids: ChargeIds = {
    first: spread.count ? spread.first : big.first,
    last: big.count ? big.last : spread.last,
    count: spread.count + big.count,
  };
  const t1 = performance.now();
  const invoiced = await invoiceMonth(knex, period, ids);
  return { charges: ids.count, insertMs: t1 - t0, ...invoiced, invoiceMs: performance.now() - t1 };
}

/** Charges that start before `before` and no invoice claimed (a close must leave none). */
export async function unclaimedCharges(knex: Knex, before: Date): Promise<number> {
  const [r] = rowsOf<{ n: number }>(
    await knex.raw(
      `select count(*)::integer as n from charges c
       where c.call_start < ? and c.superseded_at is null
         and not exists (select 1 from charge_claims k where k.charge_id = c.id)`,
      [before.toISOString()],
    ),
  );
  return r?.n ?? 0;
}

/** Invoices and their lines for one period (what a close produced). */
export async function invoicesOf(knex: Knex, periodKey: string): Promise<{ invoices: number; net: string }> {
  const [r] = rowsOf<{ invoices: number; net: string | null }>(
    await knex.raw(
      `select count(*)::integer as invoices, sum(net_total)::text as net from invoices where period_key = ? and kind = 'INVOICE'`,
      [periodKey],
    ),
  );
  return { invoices: r?.invoices ?? 0, net: r?.net ?? '0' };
}

/** The database's size on disk, for the report. */
export async function databaseSize(knex: Knex): Promise<string> {
  const [r] = rowsOf<{ size: string }>(
    await knex.raw(`select pg_size_pretty(pg_database_size(current_database())) as size`),
  );
  return r?.size ?? '?';
}
