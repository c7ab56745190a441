/**
 * The invoice of one customer's period from its charges: what closing stores, and what a rerate
 * compares an issued invoice with (./rerate-charges.ts). Unless given: the live rule files' period
 * pricing, the configured seller and the customer as buyer. Whether it carries a call specification
 * is the customer's choice now, kept on the document like its buyer: a draft shows what will be
 * issued, and an issued invoice renders the same for good (./render-invoice-document.ts).
 */
import type { BuyerParty, SellerParty } from '../../domain/invoicing/types';
import { buildPeriodInvoice, type LineNamesSource, type PeriodPricingSource } from './build';
import type { InvoicingSettings } from './invoicing-settings';
import type { BuildDecision, ChargeGroup, CloseTarget } from './ports';
import { todayIn } from './today';

export interface BuildInvoiceDeps {
  settings: Pick<InvoicingSettings, 'seller' | 'vatRate' | 'timeZone'>;
  /** Period pricing (tiers, included minutes, minimum commitment) from the live rule files. */
  periodPricing?: PeriodPricingSource;
  /** Display names of zones and access types from the live rule files. */
  lineNames?: LineNamesSource;
  now: () => Date;
}

export interface BuildInvoiceInput {
  target: CloseTarget;
  charges: ChargeGroup[];
  periodPricing?: PeriodPricingSource;
  seller?: SellerParty;
  buyer?: BuyerParty;
}

export function buildInvoice(deps: BuildInvoiceDeps, input: BuildInvoiceInput): BuildDecision {
  const periodPricing = input.periodPricing ?? deps.periodPricing;
  const decision = buildPeriodInvoice(input.target, input.charges, {
    seller: input.seller ?? deps.settings.seller,
    vatRate: deps.settings.vatRate,
    issueDate: todayIn(deps.settings.timeZone, deps.now()),
    ...(periodPricing ? { periodPricing } : {}),
    ...(deps.lineNames ? { lineNames: deps.lineNames } : {}),
    ...(input.buyer ? { buyer: input.buyer } : {}),
  });
  if (decision.kind !== 'invoice' || !input.target.customer.callSpecification) return decision;
  return { kind: 'invoice', draft: { ...decision.draft, callSpecification: true } };
}
