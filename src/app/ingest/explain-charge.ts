/**
 * A stored charge's explanation. Ingest stores a narrow charge row (the facts it priced with, not
 * the words); the words come back here by pricing the stored CDR again with the same facts and the
 * archived rule set that priced it, which is deterministic, so they are the words rating gave at
 * ingest. A charge that stored its words (rerates, retries, older charges) answers them as stored.
 */
import type { Cdr, CdrKey } from '../../domain/cdr';
import { NotFoundError, FailedPreconditionError } from '../../domain/errors';
import { Decimal } from '../../domain/money';
import type { CompiledRuleSet } from '../../domain/rating/index';
import type { Explanation } from '../../domain/rating/types';
import { RuleSetRater } from '../rating/rule-set-rater';
import { factsOf, priceCdr } from './price-batch';
import type { StoredCharges } from './ports';

export interface ExplainChargeDeps {
  charges: StoredCharges;
  /** One archived rule set by content hash; undefined for an unknown hash. */
  archivedRuleSet(hash: string): Promise<CompiledRuleSet | undefined>;
}

/** A stored charge, the rule set that priced it, and how. */
export interface ExplainedCharge {
  cdr: Cdr;
  amount: string;
  currency: string;
  ruleSet: { name: string; version: string; hash: string };
  firedRules: string[];
  /**
   * The contract it was priced with and its discount, as stored with the charge; absent for list
   * prices, and for charges stored with their words before their pricing facts were kept too.
   */
  contractId?: string;
  discountPercent?: string;
  explanation: Explanation;
}

/** Throws NotFoundError for a CDR without a charge, FailedPreconditionError when the words cannot be given. */
export async function explainCharge(deps: ExplainChargeDeps, key: CdrKey): Promise<ExplainedCharge> {
  const charge = await deps.charges.currentCharge(key.bridgeId, key.recordId);
  if (!charge)
    throw new NotFoundError(
      `no charge is stored for CDR ${JSON.stringify(key.recordId)} of bridge ${JSON.stringify(key.bridgeId)}: it is unknown or unrated`,
    );
  const set = await deps.archivedRuleSet(charge.ruleSetHash);
  if (!set) throw new FailedPreconditionError(`rule set ${charge.ruleSetHash} is not archived`);
  const contract = charge.pricedWith?.customer?.contract;
  const explained = {
    cdr: charge.cdr,
    amount: charge.amount,
    currency: charge.currency,
    ruleSet: { name: set.name, version: set.version, hash: set.hash },
    firedRules: charge.firedRules,
    contractId: contract?.id,
    discountPercent: contract?.discountPercent,
  };
  if (charge.explanation) return { ...explained, explanation: charge.explanation };
  const decision = priceCdr(
    { rater: new RuleSetRater(set) },
    charge.cdr,
    factsOf(charge.cdr, charge.pricedWith ?? {}),
  );
  // The same facts and rule set give the same price; anything else means the words would not be
  // the ones the charge was priced with, so none are given.
  if (
    !decision.rated ||
    !new Decimal(decision.charge.amount).eq(charge.amount) ||
    decision.charge.currency !== charge.currency
  ) {
    throw new FailedPreconditionError(
      `re-pricing with rule set ${set.name} ${set.version} no longer gives the stored ${charge.amount} ${charge.currency}`,
    );
  }
  return { ...explained, explanation: decision.charge.explanation };
}
