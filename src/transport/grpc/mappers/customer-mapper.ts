/** Proto Customer/Contract <-> the domain's. Decimals stay strings; empty strings mean "none". */
import type { Contract, ContractInput } from '../../../app/customers/contract';
import type { Customer, CustomerInput } from '../../../app/customers/customer';
import type { AccessType } from '../../../domain/cdr';
import type { BillingCycle as DomainCycle } from '../../../domain/periods';
import {
  BillingCycle,
  InvoiceLineGrouping,
  type Contract as ProtoContract,
  type Customer as ProtoCustomer,
} from '../../../gen/billing/v1/customer_service';
import { accessTypeFromProto, accessTypeToProto } from './cdr-mapper';

const CYCLE: Record<BillingCycle, DomainCycle | undefined> = {
  [BillingCycle.BILLING_CYCLE_UNSPECIFIED]: 'MONTHLY',
  [BillingCycle.BILLING_CYCLE_MONTHLY]: 'MONTHLY',
  [BillingCycle.BILLING_CYCLE_QUARTERLY]: 'QUARTERLY',
  [BillingCycle.BILLING_CYCLE_YEARLY]: 'YEARLY',
  [BillingCycle.UNRECOGNIZED]: undefined,
};

function groupingFromProto(g: InvoiceLineGrouping): Pick<CustomerInput, 'invoiceLineGrouping'> {
  if (g === InvoiceLineGrouping.INVOICE_LINE_GROUPING_CONFERENCE)
    return { invoiceLineGrouping: 'conference' };
  if (
    g === InvoiceLineGrouping.INVOICE_LINE_GROUPING_UNSPECIFIED ||
    g === InvoiceLineGrouping.INVOICE_LINE_GROUPING_ACCESS_TYPE_ZONE
  )
    return {};
  return { invoiceLineGrouping: 'unrecognized' };
}

export function customerInputFromProto(c: ProtoCustomer): CustomerInput {
  const a = c.billingAddress;
  return {
    externalId: c.externalId,
    name: c.name,
    billingAddress: {
      lines: a?.lines ?? [],
      postalCode: a?.postalCode ?? '',
      city: a?.city ?? '',
      countryCode: a?.countryCode ?? '',
    },
    email: c.email,
    vatNumber: c.vatNumber,
    countryCode: c.countryCode,
    currencyCode: c.currencyCode,
    timeZone: c.timeZone,
    paymentTermsDays: c.paymentTermsDays,
    registrationNumber: c.registrationNumber,
    ...(c.electronicAddress ? { electronicAddress: { ...c.electronicAddress } } : {}),
    buyerReference: c.buyerReference,
    orderReference: c.orderReference,
    ...groupingFromProto(c.invoiceLineGrouping),
    callSpecification: c.callSpecification,
  };
}

export function customerToProto(c: Customer): ProtoCustomer {
  return {
    ...c,
    billingAddress: { ...c.billingAddress, lines: [...c.billingAddress.lines] },
    electronicAddress: c.electronicAddress ? { ...c.electronicAddress } : undefined,
    buyerReference: c.buyerReference ?? '',
    orderReference: c.orderReference ?? '',
    invoiceLineGrouping:
      c.invoiceLineGrouping === 'conference'
        ? InvoiceLineGrouping.INVOICE_LINE_GROUPING_CONFERENCE
        : InvoiceLineGrouping.INVOICE_LINE_GROUPING_UNSPECIFIED,
    callSpecification: c.callSpecification === true,
  };
}

export function contractInputFromProto(c: ProtoContract): ContractInput {
  return {
    externalId: c.externalId,
    customerExternalId: c.customerExternalId,
    pricePlan: c.pricePlan || undefined,
    discountPercent: c.discountPercent || undefined,
    specialPrices: c.specialPrices.map((p) => ({
      accessType: accessTypeFromProto(p.accessType) as AccessType,
      zone: p.zone || undefined,
      ratePerMinute: p.ratePerMinute?.amount ?? '',
      currency: p.ratePerMinute?.currencyCode ?? '',
    })),
    includedMinutes: c.includedMinutes || '0',
    minimumCommitment: c.minimumCommitment
      ? { currency: c.minimumCommitment.currencyCode, amount: c.minimumCommitment.amount }
      : undefined,
    billingCycle: (CYCLE[c.billingCycle] ?? `unknown (${c.billingCycle})`) as DomainCycle,
    anchorDay: c.anchorDay || 1,
    validFrom: c.validFrom as Date,
    validTo: c.validTo,
    signedAt: c.signedAt,
  };
}

export function contractToProto(c: Contract): ProtoContract {
  return {
    externalId: c.externalId,
    customerExternalId: c.customerExternalId,
    pricePlan: c.pricePlan ?? '',
    discountPercent: c.discountPercent ?? '',
    specialPrices: c.specialPrices.map((p) => ({
      accessType: accessTypeToProto(p.accessType),
      zone: p.zone ?? '',
      ratePerMinute: { currencyCode: p.currency, amount: p.ratePerMinute },
    })),
    includedMinutes: c.includedMinutes,
    minimumCommitment: c.minimumCommitment && {
      currencyCode: c.minimumCommitment.currency,
      amount: c.minimumCommitment.amount,
    },
    billingCycle:
      Number(Object.entries(CYCLE).find(([k, v]) => v === c.billingCycle && k !== '0')?.[0]) ||
      BillingCycle.BILLING_CYCLE_MONTHLY,
    anchorDay: c.anchorDay,
    validFrom: c.validFrom,
    validTo: c.validTo,
    signedAt: c.signedAt,
    version: c.version,
    updatedAt: c.updatedAt,
  };
}
