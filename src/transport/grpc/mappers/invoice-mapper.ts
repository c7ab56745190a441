/** Invoices between the domain/storage shapes and billing.v1 messages. */
import type { InvoiceFilter, StoredInvoice } from '../../../app/invoicing/ports';
import type { Party as DomainParty, VatCategory as DomainVatCategory } from '../../../domain/invoicing/types';
import type { Party } from '../../../gen/billing/v1/common';
import {
  InvoiceKind,
  InvoiceStatus,
  VatCategory,
  type Invoice,
  type InvoiceLine,
  type ListInvoicesRequest,
} from '../../../gen/billing/v1/invoice_service';
import { ValidationError } from '../../../domain/errors';
import { accessTypeToProto } from './cdr-mapper';

const VAT: Record<DomainVatCategory, VatCategory> = {
  S: VatCategory.VAT_CATEGORY_STANDARD,
  Z: VatCategory.VAT_CATEGORY_ZERO_RATED,
  E: VatCategory.VAT_CATEGORY_EXEMPT,
  AE: VatCategory.VAT_CATEGORY_REVERSE_CHARGE,
  K: VatCategory.VAT_CATEGORY_EXEMPT,
  G: VatCategory.VAT_CATEGORY_EXPORT,
  O: VatCategory.VAT_CATEGORY_OUTSIDE_SCOPE,
};

function partyToProto(p: DomainParty): Party {
  return {
    name: p.name,
    address: {
      lines: p.addressLines ?? [],
      postalCode: p.postalCode ?? '',
      city: p.city ?? '',
      countryCode: p.countryCode ?? '',
    },
    vatNumber: p.vatNumber ?? '',
    email: p.email ?? '',
    registrationNumber: p.registrationNumber ?? '',
  };
}

/** The unit names on the wire; a count is a call on usage lines and a unit elsewhere. */
const UNIT_NAMES: Partial<Record<string, string>> = { SEC: 's', MIN: 'min' };

export function invoiceToProto(i: StoredInvoice): Invoice {
  const d = i.document;
  const money = (amount: string) => ({ currencyCode: i.currency, amount });
  const issued = i.status === 'ISSUED';
  return {
    id: i.id,
    number: i.number ?? '',
    series: i.series,
    kind: i.kind === 'INVOICE' ? InvoiceKind.INVOICE_KIND_INVOICE : InvoiceKind.INVOICE_KIND_CREDIT_NOTE,
    status: issued ? InvoiceStatus.INVOICE_STATUS_ISSUED : InvoiceStatus.INVOICE_STATUS_DRAFT,
    customerAccount: i.customerAccount,
    seller: partyToProto(d.seller),
    buyer: partyToProto(d.buyer),
    issueDate: issued ? d.issueDate : '',
    dueDate: issued ? d.dueDate : '',
    periodStart: i.periodStart,
    periodEnd: i.periodEnd,
    currencyCode: i.currency,
    lines: d.lines.map((l, n): InvoiceLine => ({
      lineNumber: l.lineNo,
      description: l.description,
      group:
        l.conferenceId ??
        (l.accessType ? `${l.accessType.toUpperCase()}${l.zone ? `/${l.zone}` : ''}` : l.kind.toUpperCase()),
      accessType: l.accessType ? accessTypeToProto(l.accessType) : 0,
      zone: l.zone ?? '',
      quantity: l.quantity,
      unit: UNIT_NAMES[l.unitCode] ?? (l.kind === 'usage' ? 'call' : 'unit'),
      unitPrice: money(l.unitPrice),
      baseQuantity: l.baseQuantity ?? '1',
      allowance: l.allowance && {
        percent: l.allowance.percent,
        baseAmount: money(l.allowance.baseAmount),
        amount: money(l.allowance.amount),
        reason: l.allowance.reason,
      },
      netAmount: money(l.netAmount),
      vatRate: l.vatRate,
      vatCategory: VAT[l.vatCategory],
      creditedLineNumber: i.creditedLineNos[n] ?? 0,
      chargeCount: l.calls ?? 0,
    })),
    vat: d.vatBreakdown.map((v) => ({
      vatCategory: VAT[v.vatCategory],
      vatRate: v.vatRate,
      taxableAmount: money(v.taxableAmount),
      vatAmount: money(v.vatAmount),
      exemptionReason: v.exemptionReason ?? '',
    })),
    accountingCurrencyVat: d.accountingCurrencyVat && {
      currencyCode: d.accountingCurrencyVat.currency,
      rate: d.accountingCurrencyVat.rate,
      rateDate: d.accountingCurrencyVat.rateDate,
      rateSource: d.accountingCurrencyVat.rateSource ?? '',
      vatTotal: { currencyCode: d.accountingCurrencyVat.currency, amount: d.accountingCurrencyVat.vatTotal },
    },
    netTotal: money(d.totals.netTotal),
    vatTotal: money(d.totals.vatTotal),
    grossTotal: money(d.totals.grossTotal),
    creditedInvoiceNumber: i.creditedInvoiceNumber ?? '',
    creditReason: i.creditReason ?? '',
    createdAt: i.createdAt,
    issuedAt: i.issuedAt,
    creditNoteNumbers: i.creditNoteNumbers,
    supplementedInvoiceNumber: i.supplementedInvoiceNumber ?? '',
    supplementaryInvoiceNumbers: i.supplementaryInvoiceNumbers,
  };
}

export function invoiceFilterFromProto(r: ListInvoicesRequest): InvoiceFilter {
  const filter: InvoiceFilter = {};
  if (r.customerAccount) filter.customerAccount = r.customerAccount;
  if (r.periodStartRange?.startTime) filter.periodStartFrom = r.periodStartRange.startTime;
  if (r.periodStartRange?.endTime) filter.periodStartTo = r.periodStartRange.endTime;
  if (r.status === InvoiceStatus.INVOICE_STATUS_DRAFT) filter.status = 'DRAFT';
  else if (r.status === InvoiceStatus.INVOICE_STATUS_ISSUED) filter.status = 'ISSUED';
  else if (r.status !== InvoiceStatus.INVOICE_STATUS_UNSPECIFIED)
    throw new ValidationError([{ field: 'status', reason: 'unknown status' }]);
  if (r.kind === InvoiceKind.INVOICE_KIND_INVOICE) filter.kind = 'INVOICE';
  else if (r.kind === InvoiceKind.INVOICE_KIND_CREDIT_NOTE) filter.kind = 'CREDIT_NOTE';
  else if (r.kind !== InvoiceKind.INVOICE_KIND_UNSPECIFIED)
    throw new ValidationError([{ field: 'kind', reason: 'unknown kind' }]);
  return filter;
}
