/**
 * Invoices and credit notes read back with their lines, the documents they refer to and the
 * numbers of the documents that refer to them, many at once (two statements for any number).
 */
import type { Knex } from '@mikro-orm/postgresql';
import type { InvoiceKind, InvoiceStatus, StoredInvoice } from '../app/invoicing/ports';
import type { AccessType } from '../domain/cdr';
import type {
  AccountingCurrencyVat,
  InvoiceDraft,
  InvoiceLine,
  InvoicePeriod,
  IssuedInvoiceDocument,
  LineAllowance,
  VatCategory,
} from '../domain/invoicing/types';
import { json, optionalDate, rowsOf, toDate } from './sql-helpers';

/** The parts of a draft not kept in their own columns (the `document` column). */
export interface DocumentExtras {
  period: InvoicePeriod;
  issueDate: string;
  notes?: string[];
  reason?: string;
  /** Recorded at issue (src/persistence/invoice-documents.ts issueIn), never on a draft. */
  accountingCurrencyVat?: AccountingCurrencyVat;
  /** Set when the draft was built (absent: none; Migration20261214000000 for older documents). */
  callSpecification?: boolean;
}

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
       quantity::text, unit_code, unit_price::text,
       -- lines priced per one unit (all lines issued before base quantities) print as they did
       case when base_quantity = 1 then null else base_quantity::text end as base_quantity, allowance, net_amount::text, vat_rate::text,
       vat_category, credited_line_no, adjusts_key
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
  base_quantity: string | null;
  allowance: LineAllowance | string | null;
  net_amount: string;
  vat_rate: string;
  vat_category: VatCategory;
  credited_line_no: number | null;
  adjusts_key: string | null;
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
    if (l.base_quantity !== null) line.baseQuantity = l.base_quantity;
    if (l.allowance) line.allowance = json<LineAllowance>(l.allowance);
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
    ...(extras.accountingCurrencyVat ? { accountingCurrencyVat: extras.accountingCurrencyVat } : {}),
    ...(extras.callSpecification ? { callSpecification: true } : {}),
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
