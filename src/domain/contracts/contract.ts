/** A contract as sales agreed it. Decimals stay strings (decimal.js when compared). */
import type { AccessType } from '../cdr';
import type { BillingCycle } from '../periods';
import { parseAmount } from '../money';

export interface SpecialPrice {
  accessType: AccessType;
  /** Undefined: every zone of the access type. */
  zone?: string;
  ratePerMinute: string;
  /** The currency the rate was sent in; must be the customer's. */
  currency: string;
}

export interface ContractInput {
  externalId: string;
  customerExternalId: string;
  pricePlan?: string;
  discountPercent?: string;
  specialPrices: SpecialPrice[];
  includedMinutes: string;
  minimumCommitment?: { currency: string; amount: string };
  billingCycle: BillingCycle;
  anchorDay: number;
  validFrom: Date;
  validTo?: Date;
  signedAt?: Date;
}

export interface Contract extends ContractInput {
  version: number;
  updatedAt: Date;
}

/** Content equality (decimals compared by value, so "10" equals "10.0"). */
export function sameContract(a: ContractInput, b: ContractInput): boolean {
  return JSON.stringify(normalized(a)) === JSON.stringify(normalized(b));
}

function dec(text: string | undefined): string | undefined {
  return text === undefined ? undefined : parseAmount(text).toFixed();
}

function normalized(c: ContractInput) {
  return {
    externalId: c.externalId,
    customerExternalId: c.customerExternalId,
    pricePlan: c.pricePlan ?? null,
    discountPercent: dec(c.discountPercent) ?? null,
    specialPrices: c.specialPrices.map((p) => ({
      accessType: p.accessType,
      zone: p.zone ?? null,
      ratePerMinute: dec(p.ratePerMinute),
    })),
    includedMinutes: dec(c.includedMinutes),
    minimumCommitment: dec(c.minimumCommitment?.amount) ?? null,
    billingCycle: c.billingCycle,
    anchorDay: c.anchorDay,
    validFrom: c.validFrom.toISOString(),
    validTo: c.validTo?.toISOString() ?? null,
    signedAt: c.signedAt?.toISOString() ?? null,
  };
}
