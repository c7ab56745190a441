/**
 * From a stored customer and its claimed charges to the pure domain's inputs: period options from
 * the contract, the buyer party, the VAT treatment, charge summaries and period-level pricing.
 */
import { contractAt } from '../../domain/contracts/contract-at';
import { Decimal } from '../../domain/money';
import { buildInvoiceDraft } from '../../domain/invoicing/draft';
import type { PeriodPricingRules } from '../../domain/invoicing/period-pricing-rules';
import type { LineNames } from '../../domain/invoicing/usage-lines';
import type { BuyerParty, ChargeSummary, SellerParty, VatCategory } from '../../domain/invoicing/types';
import { periodContaining, type PeriodOptions } from '../../domain/periods/index';
import type {
  BillingContract,
  BillingCustomer,
  BuildDecision,
  ChargeGroup,
  CloseTarget,
  PeriodTerms,
} from './ports';

/** Billing cycle and anchor of the customer at `instant` (MONTHLY on the 1st without a contract). */
export function periodOptionsAt(customer: PeriodTerms, instant: Date): PeriodOptions {
  const k = contractAt(customer.contracts, instant);
  return { timeZone: customer.timeZone, cycle: k?.cycle ?? 'MONTHLY', anchorDay: k?.anchorDay ?? 1 };
}

export function buyerParty(customer: BillingCustomer): BuyerParty {
  const a = customer.address ?? {};
  const party: BuyerParty = {
    customerId: customer.account,
    name: customer.name,
    addressLines: a.lines ?? [],
    countryCode: a.countryCode || customer.countryCode || '',
  };
  if (a.postalCode) party.postalCode = a.postalCode;
  if (a.city) party.city = a.city;
  if (customer.vatNumber) party.vatNumber = customer.vatNumber;
  if (customer.registrationNumber) party.registrationNumber = customer.registrationNumber;
  if (customer.email) party.email = customer.email;
  if (customer.electronicAddress) party.electronicAddress = { ...customer.electronicAddress };
  if (customer.buyerReference) party.reference = customer.buyerReference;
  if (customer.orderReference) party.orderReference = customer.orderReference;
  return party;
}

const EU = new Set(
  'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '),
);

/**
 * VAT treatment (services, B2B place-of-supply rules, simplified): a buyer in the seller's country, or
 * in another EU member state without a VAT number, pays the seller's rate; an EU business buyer in
 * another member state (with a VAT number) gets reverse charge (AE, 0 %); a business outside the EU
 * is not subject to the seller's VAT (the place of supply is the buyer's country, Article 44 of
 * Directive 2006/112/EC): category G, 0 %. G rather than O ("outside the scope of VAT"), because
 * EN 16931 rule BR-O-02 forbids the seller's VAT number on an O invoice, and a VAT-registered
 * Swedish seller states it. A buyer without a country pays the seller's rate.
 */
export function vatTreatment(
  seller: SellerParty,
  buyer: BuyerParty,
  sellerRate: string,
): { rate: string; category?: VatCategory } {
  const country = buyer.countryCode;
  if (!country || country === seller.countryCode) return { rate: sellerRate };
  if (EU.has(seller.countryCode) && EU.has(country))
    return buyer.vatNumber ? { rate: '0', category: 'AE' } : { rate: sellerRate };
  if (EU.has(seller.countryCode)) return { rate: '0', category: 'G' };
  return { rate: sellerRate };
}

/**
 * The period pricing of the rule set of a currency (the customer's) in force at an instant for a price
 * plan (see RuleBook.periodPricingAt).
 */
export type PeriodPricingSource = (
  instant: Date,
  plan: string | undefined,
  currency?: string,
) => { rules: PeriodPricingRules; ruleSetName: string; ruleSetVersion: string; plan: string } | undefined;

/**
 * Period-level pricing of one customer's period: the rule file's plan for the contract's price plan (the
 * rule set in force at the period's start), with the contract's own included minutes and minimum
 * commitment, where set, taking precedence. `source` names where the rules came from, for the invoice.
 */
export function periodPricingOf(
  contract: BillingContract | undefined,
  fromRules: ReturnType<PeriodPricingSource>,
): { rules: PeriodPricingRules; source?: string } | undefined {
  const rules: PeriodPricingRules = { ...fromRules?.rules };
  if (contract?.includedMinutes && !new Decimal(contract.includedMinutes).isZero())
    rules.includedMinutes = { minutes: contract.includedMinutes };
  // A contract's minimum commitment, when set, replaces the plan's; set to 0 it waives it.
  if (contract?.minimumCommitment !== undefined) {
    if (new Decimal(contract.minimumCommitment).isZero()) delete rules.minimumCommitment;
    else rules.minimumCommitment = { amount: contract.minimumCommitment };
  }
  if (!Object.keys(rules).length) return undefined;
  return fromRules
    ? {
        rules,
        source: `Period pricing: plan ${fromRules.plan} of rule set ${fromRules.ruleSetName} ${fromRules.ruleSetVersion}`,
      }
    : { rules };
}

export interface BuildSettings {
  seller: SellerParty;
  vatRate: string;
  /** YYYY-MM-DD: provisional issue date of drafts (the real one is set when issued). */
  issueDate: string;
  /** Period pricing from the rule files; without it only the contract's own items apply. */
  periodPricing?: PeriodPricingSource;
  /** The buyer as printed; from the customer when absent. */
  buyer?: BuyerParty;
  /** Display names of zones and access types from the rule files in force at an instant, for a currency. */
  lineNames?: LineNamesSource;
}

/** The names finance gives zones and access types, from the rule set in force (see RuleBook). */
export type LineNamesSource = (instant: Date, currency: string) => LineNames | undefined;

/** The invoice draft of one customer's period from its claimed charges (pure). */
export function buildPeriodInvoice(
  target: CloseTarget,
  charges: ChargeGroup[],
  settings: BuildSettings,
): BuildDecision {
  const { customer, period } = target;
  const foreign = [
    ...new Set(charges.filter((c) => c.currency !== customer.currency).map((c) => c.currency)),
  ];
  if (foreign.length) {
    return {
      kind: 'skip',
      reason: `charges in ${foreign.join(', ')} but the customer's currency is ${customer.currency}`,
    };
  }
  const options = periodOptionsAt(customer, period.start);
  const summaries: ChargeSummary[] = charges.map((c) => {
    const s: ChargeSummary = {
      accessType: c.accessType,
      conferenceId: c.conferenceId,
      seconds: c.billedSeconds,
      calls: c.calls,
      amount: c.amount,
      currency: c.currency,
      parts: c.parts,
    };
    if (c.zone) s.zone = c.zone;
    if (c.lateStart) {
      const key = periodContaining(c.lateStart, options).key;
      if (key !== period.key) s.servicePeriodKey = key;
    }
    return s;
  });
  const contract = contractAt(customer.contracts, period.start);
  const buyer = settings.buyer ?? buyerParty(customer);
  // The contract the period is billed under (BT-12), when sales keeps one.
  if (!settings.buyer && contract?.externalId) buyer.contractReference = contract.externalId;
  const vat = vatTreatment(settings.seller, buyer, settings.vatRate);
  const pricing = periodPricingOf(
    contract,
    settings.periodPricing?.(period.start, contract?.pricePlan, customer.currency),
  );
  const names = settings.lineNames?.(period.start, customer.currency);
  const draft = buildInvoiceDraft({
    seller: settings.seller,
    buyer,
    currency: customer.currency,
    period,
    issueDate: settings.issueDate,
    paymentTermsDays: customer.paymentTermsDays,
    charges: summaries,
    defaultVatRate: vat.rate,
    ...(vat.category ? { vatCategory: vat.category } : {}),
    ...(pricing ? { periodPricing: pricing.rules } : {}),
    ...(pricing?.source ? { notes: [pricing.source] } : {}),
    ...(names ? { names } : {}),
    ...(customer.lineGrouping ? { grouping: customer.lineGrouping } : {}),
  });
  return { kind: 'invoice', draft };
}
