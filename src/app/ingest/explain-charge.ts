/**
 * A stored charge's explanation. Ingest stores a narrow charge row (the facts it priced with, not
 * the words); the words come back here by pricing the stored CDR again with the same facts and the
 * archived rule set that priced it, which is deterministic, so they are the words rating gave at
 * ingest. A charge that stored its words (rerates, retries, older charges) answers them as stored.
 */
import { Decimal } from '../../domain/money';
import type { Explanation } from '../../domain/rating/types';
import { factsOf, priceCdr } from './price-batch';
import type { CdrRater, StoredCharges } from './ports';

export interface ExplainChargeDeps {
  charges: StoredCharges;
  /** The rater of one archived rule set by hash (undefined for an unknown hash). */
  archivedRater(hash: string): Promise<CdrRater | undefined>;
}

export type ChargeExplanation = { found: true; explanation: Explanation } | { found: false; reason: string };

export async function explainCharge(
  deps: ExplainChargeDeps,
  key: { bridgeId: string; recordId: string },
): Promise<ChargeExplanation> {
  const charge = await deps.charges.currentCharge(key.bridgeId, key.recordId);
  if (!charge) return { found: false, reason: 'no current charge for this CDR' };
  if (charge.explanation) return { found: true, explanation: charge.explanation };
  const rater = await deps.archivedRater(charge.ruleSetHash);
  if (!rater) return { found: false, reason: `rule set ${charge.ruleSetHash} is not archived` };
  const decision = priceCdr({ rater }, charge.cdr, factsOf(charge.cdr, charge.pricedWith ?? {}));
  // The same facts and rule set give the same price; anything else means the words would not be
  // the ones the charge was priced with, so none are given.
  if (
    !decision.rated ||
    !new Decimal(decision.charge.amount).eq(charge.amount) ||
    decision.charge.currency !== charge.currency
  ) {
    return {
      found: false,
      reason: `re-pricing with rule set ${charge.ruleSetHash} no longer gives the stored ${charge.amount} ${charge.currency}`,
    };
  }
  return { found: true, explanation: decision.charge.explanation };
}
