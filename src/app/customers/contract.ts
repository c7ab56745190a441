/** The checks a contract must pass (the Contract type itself is in the domain). */
import { ACCESS_TYPES } from '../../domain/cdr';
import type { FieldViolation } from '../../domain/errors';
import { BILLING_CYCLES } from '../../domain/periods';
import { isDecimalText, parseAmount } from '../../domain/money';
import { quoteForMessage } from '../../domain/quote-value';
import type { ContractInput } from '../../domain/contracts/contract';
import { isCurrencyCode, validateExternalId } from './customer';

export {
  sameContract,
  type Contract,
  type ContractInput,
  type SpecialPrice,
} from '../../domain/contracts/contract';

/** Raw values from the transport; `accessType` is already the domain name or "unknown (N)". */
export function validateContract(c: ContractInput, prefix = 'contract.'): FieldViolation[] {
  const v: FieldViolation[] = [];
  validateExternalId(c.externalId, `${prefix}external_id`, v);
  validateExternalId(c.customerExternalId, `${prefix}customer_external_id`, v);
  if (c.discountPercent !== undefined) {
    if (!isDecimalText(c.discountPercent))
      v.push({
        field: `${prefix}discount_percent`,
        reason: `${quoteForMessage(c.discountPercent)} is not a decimal number`,
      });
    else {
      const d = parseAmount(c.discountPercent);
      if (d.isNegative() || d.greaterThan(100))
        v.push({
          field: `${prefix}discount_percent`,
          reason: `must be from 0 to 100, got ${quoteForMessage(c.discountPercent)}`,
        });
    }
  }
  if (!isDecimalText(c.includedMinutes))
    v.push({
      field: `${prefix}included_minutes`,
      reason: `${quoteForMessage(c.includedMinutes)} is not a decimal number`,
    });
  else if (parseAmount(c.includedMinutes).isNegative())
    v.push({ field: `${prefix}included_minutes`, reason: 'must not be negative' });
  if (c.minimumCommitment) {
    const f = `${prefix}minimum_commitment`;
    if (!isCurrencyCode(c.minimumCommitment.currency))
      v.push({
        field: `${f}.currency_code`,
        reason: `${quoteForMessage(c.minimumCommitment.currency)} is not an ISO 4217 currency code`,
      });
    if (!isDecimalText(c.minimumCommitment.amount))
      v.push({
        field: `${f}.amount`,
        reason: `${quoteForMessage(c.minimumCommitment.amount)} is not a decimal amount`,
      });
    else if (parseAmount(c.minimumCommitment.amount).isNegative())
      v.push({ field: `${f}.amount`, reason: 'must not be negative' });
  }
  c.specialPrices.forEach((p, i) => {
    const f = `${prefix}special_prices[${i}]`;
    if (!(ACCESS_TYPES as readonly string[]).includes(p.accessType))
      v.push({ field: `${f}.access_type`, reason: `required: one of ${ACCESS_TYPES.join(', ')}` });
    if (!p.ratePerMinute && !p.currency) v.push({ field: `${f}.rate_per_minute`, reason: 'required' });
    else {
      if (!isCurrencyCode(p.currency))
        v.push({
          field: `${f}.rate_per_minute.currency_code`,
          reason: `${quoteForMessage(p.currency)} is not an ISO 4217 currency code`,
        });
      if (!isDecimalText(p.ratePerMinute))
        v.push({
          field: `${f}.rate_per_minute.amount`,
          reason: `${quoteForMessage(p.ratePerMinute)} is not a decimal amount`,
        });
      else if (parseAmount(p.ratePerMinute).isNegative())
        v.push({ field: `${f}.rate_per_minute.amount`, reason: 'must not be negative' });
    }
    const same = c.specialPrices.findIndex(
      (q) => q.accessType === p.accessType && (q.zone ?? '') === (p.zone ?? ''),
    );
    if (same !== i) v.push({ field: `${f}`, reason: `same access type and zone as special_prices[${same}]` });
  });
  if (!(BILLING_CYCLES as readonly string[]).includes(c.billingCycle))
    v.push({ field: `${prefix}billing_cycle`, reason: 'unknown billing cycle' });
  if (!Number.isInteger(c.anchorDay) || c.anchorDay < 1 || c.anchorDay > 28)
    v.push({ field: `${prefix}anchor_day`, reason: 'must be from 1 to 28 (0 means 1)' });
  if (!c.validFrom || Number.isNaN(c.validFrom.getTime()))
    v.push({ field: `${prefix}valid_from`, reason: 'required' });
  else if (c.validTo && c.validTo.getTime() <= c.validFrom.getTime()) {
    v.push({
      field: `${prefix}valid_to`,
      reason: `must be after valid_from (${c.validFrom.toISOString()}); valid_to is exclusive`,
    });
  }
  return v;
}

/** The currency checks that need the customer: every amount in the customer's currency. */
export function validateContractCurrency(
  c: ContractInput,
  customerCurrency: string,
  prefix = 'contract.',
): FieldViolation[] {
  const v: FieldViolation[] = [];
  if (c.minimumCommitment && c.minimumCommitment.currency !== customerCurrency) {
    v.push({
      field: `${prefix}minimum_commitment.currency_code`,
      reason: `must be the customer's currency ${customerCurrency}, got ${quoteForMessage(c.minimumCommitment.currency)}`,
    });
  }
  c.specialPrices.forEach((p, i) => {
    if (p.currency !== customerCurrency) {
      v.push({
        field: `${prefix}special_prices[${i}].rate_per_minute.currency_code`,
        reason: `must be the customer's currency ${customerCurrency}, got ${quoteForMessage(p.currency)}`,
      });
    }
  });
  return v;
}
