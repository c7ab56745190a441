/**
 * Invoice and credit-note documents in the database: inserting them with their lines, numbering
 * drafts from the locked counter row of their series and year, and reading them back. Shared by
 * closing (invoice-store.ts) and re-rating (rerate-store.ts).
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { InvoiceKind, InvoiceStatus, IssueOptions, StoredInvoice } from '../app/invoicing/ports';
import type { AccessType } from '../domain/cdr';
import { formatInvoiceNumber } from '../domain/invoicing/numbering';
import type {
  InvoiceDraft,
  InvoiceLine,
  InvoicePeriod,
  IssuedInvoiceDocument,
  VatCategory,
} from '../domain/invoicing/types';
import { json, optionalDate, rowsOf, toDate } from './sql-helpers';

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
                           calls, quantity, unit_code, unit_price, net_amount, vat_rate, vat_category, credited_line_no, adjusts_key)
select invoice_id, line_no, kind, description, access_type, zone, conference_id, service_period_key,
       calls, quantity, unit_code, unit_price, net_amount, vat_rate, vat_category, credited_line_no, adjusts_key
from jsonb_to_recordset(?::jsonb) as x(invoice_id bigint, line_no integer, kind text, description text, access_type text,
  zone text, conference_id text, service_period_key text, calls integer, quantity numeric, unit_code text,
  unit_price numeric, net_amount numeric, vat_rate numeric, vat_category text, credited_line_no integer, adjusts_key text)`;

const SELECT_INVOICES = `
select i.id::text, i.kind, i.status, i.customer_account, i.period_key, i.period_start, i.period_end, i.series, i.number,
       trim(i.currency) as currency, i.seller, i.buyer, i.issue_date::text, i.due_date::text, i.payment_terms_days,
       i.net_total::text, i.vat_total::text, i.gross_total::text, i.vat_breakdown, i.document,
       i.credited_invoice_id::text, ci.number as credited_number, ci.issue_date::text as credited_issue_date,
       i.credit_reason, i.created_at, i.issued_at,
       coalesce((select jsonb_agg(cn.number order by cn.number) from invoices cn
                  where cn.credited_invoice_id = i.id and cn.number is not null), '[]'::jsonb) as credit_note_numbers,
       i.supplements_invoice_id::text, si.number as supplemented_number, si.issue_date::text as supplemented_issue_date,
       coalesce((select jsonb_agg(sp.number order by sp.number) from invoices sp
                  where sp.supplements_invoice_id = i.id and sp.number is not null), '[]'::jsonb) as supplementary_numbers
from invoices i left join invoices ci on ci.id = i.credited_invoice_id
left join invoices si on si.id = i.supplements_invoice_id
where i.id in (select (jsonb_array_elements_text(?::jsonb))::bigint)`;

const SELECT_LINES = `
select invoice_id::text, line_no, kind, description, access_type, zone, conference_id, service_period_key, calls,
       quantity::text, unit_code, unit_price::text, net_amount::text, vat_rate::text, vat_category, credited_line_no, adjusts_key
from invoice_lines where invoice_id in (select (jsonb_array_elements_text(?::jsonb))::bigint)
order by invoice_id, line_no`;

interface InvoiceRow {
  id: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  customer_account: string;
  period_key: string;
  period_start: Date | string;
  period_end: Date | string;
  series: string;
  number: string | null;
  currency: string;
  seller: unknown;
  buyer: unknown;
  issue_date: string | null;
  due_date: string | null;
  payment_terms_days: number;
  net_total: string;
  vat_total: string;
  gross_total: string;
  vat_breakdown: unknown;
  document: unknown;
  credited_invoice_id: string | null;
  credited_number: string | null;
  credited_issue_date: string | null;
  credit_reason: string | null;
  created_at: Date | string;
  issued_at: Date | string | null;
  credit_note_numbers: unknown;
  supplements_invoice_id: string | null;
  supplemented_number: string | null;
  supplemented_issue_date: string | null;
  supplementary_numbers: unknown;
}

interface LineRow {
  invoice_id: string;
  line_no: number;
  kind: InvoiceLine['kind'];
  description: string;
  access_type: AccessType | null;
  zone: string | null;
  conference_id: string | null;
  service_period_key: string | null;
  calls: number | null;
  quantity: string;
  unit_code: InvoiceLine['unitCode'];
  unit_price: string;
  net_amount: string;
  vat_rate: string;
  vat_category: VatCategory;
  credited_line_no: number | null;
  adjusts_key: string | null;
}

/** The parts of a draft not kept in their own columns. */
interface DocumentExtras {
  period: InvoicePeriod;
  issueDate: string;
  notes?: string[];
  reason?: string;
}

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
 * rollback returns them.
 */
export async function issueIn(
  trx: Knex.Transaction,
  ids: string[],
  options: IssueOptions,
): Promise<string[]> {
  if (!ids.length) return [];
  // Lock the drafts first (in id order, then the counter: one lock order for every issuer). A draft a
  // concurrent issuer has issued meanwhile is no longer a draft once its lock is granted: skipped.
  const drafts = new Set(
    rowsOf<{ id: string }>(
      await trx.raw(
        `select id::text from invoices where id in (select (jsonb_array_elements_text(?::jsonb))::bigint) and status = 'DRAFT'
         order by id for update`,
        [JSON.stringify(ids)],
      ),
    ).map((r) => r.id),
  );
  ids = ids.filter((id) => drafts.has(id));
  if (!ids.length) return [];
  const year = Number(options.issueDate.slice(0, 4));
  await trx.raw(
    `insert into invoice_counters (series, year, last_number) values (?, ?, 0) on conflict do nothing`,
    [options.series, year],
  );
  const [counter] = rowsOf<{ last_number: string }>(
    await trx.raw(`select last_number::text from invoice_counters where series = ? and year = ? for update`, [
      options.series,
      year,
    ]),
  );
  const first = Number(counter!.last_number) + 1;
  const numbered = ids.map((id, i) => ({ id, number: formatInvoiceNumber(options.series, year, first + i) }));
  const updated = rowsOf<{ id: string }>(
    await trx.raw(
      `update invoices i set status = 'ISSUED', series = ?, number = x.number, issue_date = ?::date,
              due_date = ?::date + i.payment_terms_days, issued_at = now()
       from jsonb_to_recordset(?::jsonb) as x(id bigint, number text)
       where i.id = x.id and i.status = 'DRAFT'
       returning i.id::text`,
      [options.series, options.issueDate, options.issueDate, JSON.stringify(numbered)],
    ),
  );
  if (updated.length !== ids.length)
    throw new Error(`issue: ${ids.length - updated.length} of the locked drafts were not updated`);
  await trx.raw(`update invoice_counters set last_number = ? where series = ? and year = ?`, [
    first + ids.length - 1,
    options.series,
    year,
  ]);
  return ids;
}

export async function loadInvoices(db: Knex | Knex.Transaction, ids: string[]): Promise<StoredInvoice[]> {
  if (!ids.length) return [];
  const param = JSON.stringify(ids);
  const rows = rowsOf<InvoiceRow>(await db.raw(SELECT_INVOICES, [param]));
  const lines = rowsOf<LineRow>(await db.raw(SELECT_LINES, [param]));
  const linesOf = new Map<string, LineRow[]>();
  for (const l of lines) {
    const list = linesOf.get(l.invoice_id) ?? [];
    list.push(l);
    linesOf.set(l.invoice_id, list);
  }
  const byId = new Map(rows.map((r) => [r.id, toStored(r, linesOf.get(r.id) ?? [])]));
  return ids.map((id) => byId.get(id)).filter((x): x is StoredInvoice => Boolean(x));
}

function toStored(r: InvoiceRow, lineRows: LineRow[]): StoredInvoice {
  const extras = json<DocumentExtras>(r.document);
  const lines: InvoiceLine[] = lineRows.map((l) => {
    const line: InvoiceLine = {
      lineNo: l.line_no,
      kind: l.kind,
      description: l.description,
      quantity: l.quantity,
      unitCode: l.unit_code,
      unitPrice: l.unit_price,
      netAmount: l.net_amount,
      vatRate: l.vat_rate,
      vatCategory: l.vat_category,
    };
    if (l.access_type) line.accessType = l.access_type;
    if (l.zone) line.zone = l.zone;
    if (l.conference_id) line.conferenceId = l.conference_id;
    if (l.service_period_key) line.servicePeriodKey = l.service_period_key;
    if (l.calls !== null) line.calls = l.calls;
    if (l.adjusts_key) line.adjustsKey = l.adjusts_key;
    return line;
  });
  const issued = r.status === 'ISSUED';
  const base = {
    documentType: r.kind === 'INVOICE' ? ('invoice' as const) : ('credit_note' as const),
    currency: r.currency,
    seller: json<InvoiceDraft['seller']>(r.seller),
    buyer: json<InvoiceDraft['buyer']>(r.buyer),
    period: extras.period,
    issueDate: r.issue_date ?? extras.issueDate,
    dueDate: r.due_date ?? extras.issueDate,
    paymentTermsDays: r.payment_terms_days,
    lines,
    vatBreakdown: json<InvoiceDraft['vatBreakdown']>(r.vat_breakdown),
    totals: {
      netTotal: r.net_total,
      vatTotal: r.vat_total,
      grossTotal: r.gross_total,
      payableAmount: r.gross_total,
    },
    ...(extras.notes ? { notes: extras.notes } : {}),
    // BT-25/26, the preceding invoice: the credited one, or the one a supplementary invoice complements.
    ...((r.credited_number ?? r.supplemented_number)
      ? { precedingInvoiceNumber: (r.credited_number ?? r.supplemented_number)! }
      : {}),
    ...((r.credited_issue_date ?? r.supplemented_issue_date)
      ? { precedingInvoiceDate: (r.credited_issue_date ?? r.supplemented_issue_date)! }
      : {}),
    ...(r.credit_reason ? { reason: r.credit_reason } : {}),
  };
  const document: InvoiceDraft | IssuedInvoiceDocument = issued
    ? { ...base, status: 'issued', number: r.number! }
    : { ...base, status: 'draft' };
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    series: r.series,
    number: r.number ?? undefined,
    customerAccount: r.customer_account,
    periodKey: r.period_key,
    periodStart: toDate(r.period_start),
    periodEnd: toDate(r.period_end),
    currency: r.currency,
    document,
    creditedLineNos: lineRows.map((l) => l.credited_line_no ?? undefined),
    creditedInvoiceId: r.credited_invoice_id ?? undefined,
    creditedInvoiceNumber: r.credited_number ?? undefined,
    creditReason: r.credit_reason ?? undefined,
    creditNoteNumbers: json<string[]>(r.credit_note_numbers),
    supplementsInvoiceId: r.supplements_invoice_id ?? undefined,
    supplementedInvoiceNumber: r.supplemented_number ?? undefined,
    supplementaryInvoiceNumbers: json<string[]>(r.supplementary_numbers),
    createdAt: toDate(r.created_at),
    issuedAt: optionalDate(r.issued_at),
  };
}
