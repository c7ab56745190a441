/** The domain's rating explanation -> the RatingExplanation message. */
import type { Explanation } from '../../../domain/rating/index';
import type { Money } from '../../../gen/billing/v1/common';
import type { RatingExplanation } from '../../../gen/billing/v1/rating_service';
import { featureToProto } from './cdr-mapper';

export function explanationToProto(
  explanation: Explanation,
  context: {
    currency: string;
    ruleSet: { name: string; version: string; hash: string };
    firedRules: string[];
    contractId?: string;
    discountPercent?: string;
  },
): RatingExplanation {
  const money = (amount: string | undefined): Money | undefined =>
    amount === undefined ? undefined : { currencyCode: context.currency, amount };
  return {
    ruleSet: {
      name: context.ruleSet.name,
      version: context.ruleSet.version,
      contentHash: context.ruleSet.hash,
    },
    firedRules: context.firedRules,
    zone: explanation.zone ?? '',
    matchedPrefix: explanation.matchedPrefix ?? '',
    timeBands: explanation.bands.map((b) => ({
      band: b.name,
      startTime: undefined,
      seconds: b.seconds,
      rate: money(b.rate),
      rateUnitSeconds: 0,
      amount: money(b.amount),
    })),
    increment: undefined,
    connectFee: money(explanation.connectFee),
    surcharges: explanation.surcharges.map((s) => ({
      feature: featureToProto(s.feature),
      amount: money(s.amount),
    })),
    minimumApplied: money(explanation.minimumApplied),
    capApplied: money(explanation.capApplied),
    discountPercent: context.discountPercent ?? '',
    discount: money(explanation.discount),
    specialPriceApplied: context.firedRules.some((r) => r.startsWith('contract')),
    contractExternalId: context.contractId ?? '',
    rounding: explanation.rounding,
    summary: explanation.summary,
    steps: explanation.steps.map((s) => ({ text: s.text, amount: money(s.amount), runningTotal: undefined })),
  };
}
