/** Customers and contracts between their entities (entities/) and the domain, and as stored JSON. */
import type { Contract, SpecialPrice } from '../domain/contracts/contract';
import type { AccessType } from '../domain/cdr';
import type { Customer } from '../domain/customers/customer';
import type { BillingCycle } from '../domain/periods';
import type { ContractRecord } from './entities/contract-record';
import type { CustomerRecord } from './entities/customer-record';
import { optionalDate } from './sql-helpers';

export function customerFromRecord(r: CustomerRecord): Customer {
  const address = r.address ?? {};
  return {
    externalId: r.externalId,
    name: r.name,
    billingAddress: {
      lines: address.lines ?? [],
      postalCode: address.postalCode ?? '',
      city: address.city ?? '',
      countryCode: address.countryCode ?? '',
    },
    email: r.email ?? '',
    vatNumber: r.vatNumber ?? '',
    countryCode: r.countryCode ?? '',
    currencyCode: r.currency,
    timeZone: r.timeZone,
    paymentTermsDays: r.paymentTermsDays,
    registrationNumber: r.registrationNumber ?? '',
    ...(r.electronicAddressScheme && r.electronicAddressId
      ? { electronicAddress: { scheme: r.electronicAddressScheme, id: r.electronicAddressId } }
      : {}),
    ...(r.buyerReference ? { buyerReference: r.buyerReference } : {}),
    ...(r.orderReference ? { orderReference: r.orderReference } : {}),
    ...(r.invoiceLineGrouping === 'conference' ? { invoiceLineGrouping: 'conference' as const } : {}),
    ...(r.callSpecification ? { callSpecification: true } : {}),
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** `currency`: the customer's, which every amount of the contract is in. */
export function contractFromRecord(r: ContractRecord, currency: string): Contract {
  return {
    externalId: r.externalId,
    customerExternalId: r.customerExternalId,
    pricePlan: r.pricePlan ?? undefined,
    discountPercent: r.discountPercent ?? undefined,
    specialPrices: (r.specialPrices ?? []).map((p): SpecialPrice => ({
      accessType: p.accessType as AccessType,
      zone: p.zone ?? undefined,
      ratePerMinute: p.ratePerMinute,
      currency,
    })),
    includedMinutes: r.includedMinutes,
    minimumCommitment:
      r.minimumCommitment === null || r.minimumCommitment === undefined
        ? undefined
        : { currency, amount: r.minimumCommitment },
    billingCycle: r.billingCycle as BillingCycle,
    anchorDay: r.anchorDay,
    validFrom: r.validFrom,
    validTo: optionalDate(r.validTo),
    signedAt: optionalDate(r.signedAt),
    version: r.version,
    updatedAt: r.updatedAt,
  };
}

/** The customer as JSON (camelCase keys as in the Customer proto, ISO instants). */
export function customerToJson(c: Customer) {
  return { ...c, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() };
}

export function customerFromJson(j: ReturnType<typeof customerToJson>): Customer {
  return { ...j, createdAt: new Date(j.createdAt), updatedAt: new Date(j.updatedAt) };
}

export function contractToJson(c: Contract) {
  return {
    ...c,
    validFrom: c.validFrom.toISOString(),
    validTo: c.validTo?.toISOString(),
    signedAt: c.signedAt?.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function contractFromJson(j: ReturnType<typeof contractToJson>): Contract {
  return {
    ...j,
    validFrom: new Date(j.validFrom),
    validTo: optionalDate(j.validTo),
    signedAt: optionalDate(j.signedAt),
    updatedAt: new Date(j.updatedAt),
  };
}
