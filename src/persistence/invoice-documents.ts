/**
 * Invoice and credit-note documents in the database: inserting them with their lines and numbering
 * drafts from the locked counter row of their series and year (reading them back:
 * ./invoice-reads.ts). Shared by closing, issuing, crediting and re-rating. Hand-written SQL: closing
 * inserts thousands of documents per statement.
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { InvoiceKind, IssueOptions, IssueStamp } from '../app/invoicing/ports';
import { FailedPreconditionError } from '../domain/errors';
import { formatInvoiceNumber } from '../domain/invoicing/numbering';
import type { AccountingCurrencyVat, InvoiceDraft, SellerParty } from '../domain/invoicing/types';
import { holdMonthOpen } from './bookkeeping-months';
import type { DocumentExtras } from './invoice-reads';
import { json, rowsOf } from './sql-helpers';

const INSERT_INVOICES = `
insert into invoices (id, kind, status, customer_account, period_key, period_start, period_end, series, currency,
                      seller, buyer, payment_terms_days, net_total, vat_total, gross_total, vat_breakdown, document,
                      credited_invoice_id, credit_reason, supplements_invoice_id)
overriding system value
select id, kind, 'DRAFT', customer_account, period_key, period_start, period_end, series, currency,
       seller, buyer, payment_terms_days, net_total, vat_total, gross_total, vat_breakdown, document,
       credited_invoice_id, credit_reason, supplements_invoice_id
from jsonb_to_recordset(?::jsonb) as x(id bigint, kind text, customer_account text, period_key text,
  period_start timestamptz, period_end timestamptz, series text, currency text, seller jsonb, buyer jsonb,
  payment_terms_days integer, net_total numeric, vat_total numeric, gross_total numeric, vat_breakdown jsonb,
  document jsonb, credited_invoice_id bigint, credit_reason text, supplements_invoice_id bigint)`;

const INSERT_LINES = `
insert into invoice_lines (invoice_id, line_no, kind, description, access_type, zone, conference_id, service_period_key,
                           calls, quantity, unit_code, unit_price, base_quantity, allowance, net_amount, vat_rate, vat_category,
                           credited_line_no, adjusts_key)
select invoice_id, line_no, kind, description, access_type, zone, conference_id, service_period_key,
       calls, quantity, unit_code, unit_price, base_quantity, allowance, net_amount, vat_rate, vat_category,
       credited_line_no, adjusts_key
from jsonb_to_recordset(?::jsonb) as x(invoice_id bigint, line_no integer, kind text, description text, access_type text,
  zone text, conference_id text, service_period_key text, calls integer, quantity numeric, unit_code text,
  unit_price numeric, base_quantity numeric, allowance jsonb, net_amount numeric, vat_rate numeric, vat_category text, credited_line_no integer, adjusts_key text)`;

export async function allocateInvoiceIds(trx: Knex | Knex.Transaction, n: number): Promise<string[]> {
  const rows = rowsOf<{ id: string }>(
    await trx.raw(
      `select nextval(pg_get_serial_sequence('invoices', 'id'))::text as id from generate_series(1, ?::integer)`,
      [n],
    ),
  );
  return rows.map((r) => r.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

export interface DocumentToInsert {
  id: string;
  kind: InvoiceKind;
  customerAccount: string;
  periodKey: string;
  periodStart: Date;
  periodEnd: Date;
  series: string;
  draft: InvoiceDraft;
  creditedInvoiceId?: string;
  creditReason?: string;
  creditedLineNos?: (number | undefined)[];
  supplementsInvoiceId?: string;
}

const INSERT_CHUNK = 2000;

export async function insertDocuments(trx: Knex.Transaction, docs: DocumentToInsert[]): Promise<void> {
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    const part = docs.slice(i, i + INSERT_CHUNK);
    await trx.raw(INSERT_INVOICES, [
      JSON.stringify(
        part.map((d) => {
          return {
            id: d.id,
            kind: d.kind,
            customer_account: d.customerAccount,
            period_key: d.periodKey,
            period_start: d.periodStart.toISOString(),
            period_end: d.periodEnd.toISOString(),
            series: d.series,
            currency: d.draft.currency,
            seller: d.draft.seller,
            buyer: d.draft.buyer,
            payment_terms_days: d.draft.paymentTermsDays,
            net_total: d.draft.totals.netTotal,
            vat_total: d.draft.totals.vatTotal,
            gross_total: d.draft.totals.grossTotal,
            vat_breakdown: d.draft.vatBreakdown,
            document: extrasOf(d.draft),
            credited_invoice_id: d.creditedInvoiceId ?? null,
            credit_reason: d.creditReason ?? null,
            supplements_invoice_id: d.supplementsInvoiceId ?? null,
          };
        }),
      ),
    ]);
    await insertLines(trx, part);
  }
}

/** The parts of a draft kept in the `document` column. */
function extrasOf(draft: InvoiceDraft): DocumentExtras {
  const extras: DocumentExtras = { period: draft.period, issueDate: draft.issueDate };
  if (draft.notes) extras.notes = draft.notes;
  if (draft.reason) extras.reason = draft.reason;
  if (draft.accountingCurrencyVat) extras.accountingCurrencyVat = draft.accountingCurrencyVat;
  if (draft.callSpecification) extras.callSpecification = true;
  return extras;
}

async function insertLines(
  trx: Knex.Transaction,
  docs: Pick<DocumentToInsert, 'id' | 'draft' | 'creditedLineNos'>[],
): Promise<void> {
  const lines = docs.flatMap((d) =>
    d.draft.lines.map((l, j) => ({
      invoice_id: d.id,
      line_no: l.lineNo,
      kind: l.kind,
      description: l.description,
      access_type: l.accessType ?? null,
      zone: l.zone ?? null,
      conference_id: l.conferenceId ?? null,
      service_period_key: l.servicePeriodKey ?? null,
      calls: l.calls ?? null,
      quantity: l.quantity,
      unit_code: l.unitCode,
      unit_price: l.unitPrice,
      base_quantity: l.baseQuantity ?? '1',
      allowance: l.allowance ?? null,
      net_amount: l.netAmount,
      vat_rate: l.vatRate,
      vat_category: l.vatCategory,
      credited_line_no: d.creditedLineNos?.[j] ?? null,
      adjusts_key: l.adjustsKey ?? null,
    })),
  );
  for (let k = 0; k < lines.length; k += 10 * INSERT_CHUNK) {
    await trx.raw(INSERT_LINES, [JSON.stringify(lines.slice(k, k + 10 * INSERT_CHUNK))]);
  }
}

/**
 * Gives a draft new content (lines, VAT, totals) in place: same id, kind, period and creation time.
 * Refuses an issued document (the immutability triggers would refuse it too).
 */
export async function replaceDraftContent(
  trx: Knex.Transaction,
  id: string,
  draft: InvoiceDraft,
): Promise<void> {
  const updated = rowsOf<{ id: string }>(
    await trx.raw(
      `update invoices set net_total = ?::numeric, vat_total = ?::numeric, gross_total = ?::numeric, vat_breakdown = ?::jsonb,
              document = ?::jsonb, seller = ?::jsonb, buyer = ?::jsonb
       where id = ?::bigint and status = 'DRAFT' returning id::text`,
      [
        draft.totals.netTotal,
        draft.totals.vatTotal,
        draft.totals.grossTotal,
        JSON.stringify(draft.vatBreakdown),
        JSON.stringify(extrasOf(draft)),
        JSON.stringify(draft.seller),
        JSON.stringify(draft.buyer),
        id,
      ],
    ),
  );
  if (!updated.length) throw new Error(`draft ${id} is not a draft any more`);
  await trx.raw(`delete from invoice_lines where invoice_id = ?::bigint`, [id]);
  await insertLines(trx, [{ id, draft }]);
}

/**
 * Numbers these drafts, in the order given, from the (series, year) counter row locked FOR UPDATE:
 * a concurrent issuer waits for this transaction, so numbers are consecutive and unique, and a
 * rollback returns them. Two rules of the books refuse the whole call (FailedPreconditionError,
 * `onRefused` or not: they are the date's, not a draft's):
 * - the issue date's month is exported to the bookkeeping (./bookkeeping-months.ts, whose shared
 *   month lock this transaction holds from here to its end, so an export cannot slip in between);
 * - a date the caller chose (IssueOptions.backdated) is before the latest one of the series and
 *   year: numbers follow their dates (an auditor reads a later number with an earlier date as a
 *   document inserted after the fact).
 * Locks in one order for every issuer: the drafts (by id), the month (shared), the counter.
 * Runs under READ COMMITTED (checked): the counter's FOR UPDATE then reads its latest committed row.
 */
export async function issueIn(
  trx: Knex.Transaction,
  ids: string[],
  options: IssueOptions,
): Promise<string[]> {
  if (!ids.length) return [];
  // Lock the drafts first (in id order, then the counter: one lock order for every issuer). A draft a
  // concurrent issuer has issued meanwhile is no longer a draft once its lock is granted: skipped.
  // A credit note comes with the invoice it credits (issued, so immutable: read, not locked).
  const locked = rowsOf<LockedDraft>(
    await trx.raw(
      `select i.id::text, trim(i.currency) as currency, i.vat_total::text, i.seller,
              c.issue_date::text as credited_issue_date, c.document->'accountingCurrencyVat' as credited_vat
       from invoices i left join invoices c on c.id = i.credited_invoice_id
       where i.id in (select (jsonb_array_elements_text(?::jsonb))::bigint) and i.status = 'DRAFT'
       order by i.id for update of i`,
      [JSON.stringify(ids)],
    ),
  );
  const stamps = stampDrafts(locked, options);
  ids = ids.filter((id) => stamps.has(id));
  if (!ids.length) return [];
  await holdMonthOpen(trx, options.issueDate.slice(0, 7), options.issueDate);
  const year = Number(options.issueDate.slice(0, 4));
  await trx.raw(
    `insert into invoice_counters (series, year, last_number) values (?, ?, 0) on conflict do nothing`,
    [options.series, year],
  );
  const [counter] = rowsOf<{ last_number: string; last_issue_date: string | null }>(
    await trx.raw(
      `select last_number::text, last_issue_date::text from invoice_counters where series = ? and year = ? for update`,
      [options.series, year],
    ),
  );
  checkDateInSequence(options, year, counter!);
  const first = Number(counter!.last_number) + 1;
  const numbered = ids.map((id, i) => {
    const { seller, ...stamp } = stamps.get(id) ?? {};
    return {
      id,
      number: formatInvoiceNumber(options.series, year, first + i),
      stamp,
      seller: seller ?? null,
    };
  });
  // What the issue guard recorded (the VAT in the accounting currency) joins the document's extras in
  // this same statement: one transaction, one update, before the immutability trigger locks the row.
  const updated = rowsOf<{ id: string }>(
    await trx.raw(
      `update invoices i set status = 'ISSUED', series = ?, number = x.number, issue_date = ?::date,
              due_date = ?::date + i.payment_terms_days, issued_at = now(),
              document = i.document || coalesce(x.stamp, '{}'::jsonb), seller = coalesce(x.seller, i.seller)
       from jsonb_to_recordset(?::jsonb) as x(id bigint, number text, stamp jsonb, seller jsonb)
       where i.id = x.id and i.status = 'DRAFT'
       returning i.id::text`,
      [options.series, options.issueDate, options.issueDate, JSON.stringify(numbered)],
    ),
  );
  if (updated.length !== ids.length)
    throw new Error(`issue: ${ids.length - updated.length} of the locked drafts were not updated`);
  await trx.raw(
    `update invoice_counters set last_number = ?, last_issue_date = greatest(last_issue_date, ?::date)
     where series = ? and year = ?`,
    [first + ids.length - 1, options.issueDate, options.series, year],
  );
  return ids;
}

/** The same date as the number before is fine (several documents a day); an earlier one is not. */
function checkDateInSequence(
  options: IssueOptions,
  year: number,
  counter: { last_number: string; last_issue_date: string | null },
): void {
  const latest = counter.last_issue_date;
  // Only a date the caller chose: "today" by a replica's clock a moment behind is numbered as it is.
  if (!options.backdated || latest === null || options.issueDate >= latest) return;
  const before = formatInvoiceNumber(options.series, year, Number(counter.last_number));
  throw new FailedPreconditionError(
    `issue date ${options.issueDate} is before ${latest}, the date of ${before}, the latest number of series ` +
      `${options.series} in ${year}: numbers follow their dates, so date it ${latest} or later`,
  );
}

interface LockedDraft {
  id: string;
  currency: string;
  vat_total: string;
  seller: unknown;
  credited_issue_date: string | null;
  credited_vat: unknown;
}

/**
 * The issue guard's stamp of each locked draft (see IssueOptions.stamp); a draft it refuses is
 * left out when the caller takes refusals (onRefused), else the refusal ends the transaction.
 */
function stampDrafts(locked: LockedDraft[], options: IssueOptions): Map<string, IssueStamp> {
  const stamps = new Map<string, IssueStamp>();
  for (const row of locked) {
    if (!options.stamp) {
      stamps.set(row.id, {});
      continue;
    }
    try {
      stamps.set(
        row.id,
        options.stamp({
          id: row.id,
          currency: row.currency,
          vatTotal: row.vat_total,
          seller: json<SellerParty>(row.seller),
          ...(row.credited_issue_date
            ? {
                credited: {
                  issueDate: row.credited_issue_date,
                  ...(row.credited_vat
                    ? { accountingCurrencyVat: json<AccountingCurrencyVat>(row.credited_vat) }
                    : {}),
                },
              }
            : {}),
        }),
      );
    } catch (error) {
      if (!options.onRefused || !(error instanceof FailedPreconditionError)) throw error;
      options.onRefused(row.id, error.message);
    }
  }
  return stamps;
}
