/**
 * A charge stored with its explanation's words and its pricing facts: what a re-rate and a retry of
 * an unrated CDR write (ingest writes a narrow row instead, see cdr-store.ts). One row shape and one
 * column list for both writers, so the two cannot drift apart.
 */
import type { PricedCharge, PricedWith } from '../app/ingest/ports';
import type { Cdr } from '../domain/cdr';
import { chargeQuantities, type ChargeQuantities } from '../domain/rating/charge-quantities';

/** The `charges` columns a charge with words fills, besides its CDR id and access type. */
export const CHARGE_WITH_WORDS_COLUMNS =
  'customer_account, call_start, amount, currency, rule_set_hash, fired_rules, explanation, zone, billed_seconds, parts, pricing_facts';

/** The same columns as jsonb_to_recordset's column definitions. */
export const CHARGE_WITH_WORDS_RECORD =
  'customer_account text, call_start timestamptz, amount numeric, currency text, rule_set_hash text, fired_rules text[], explanation jsonb, zone text, billed_seconds integer, parts jsonb, pricing_facts jsonb';

/** One charge as a row of CHARGE_WITH_WORDS_RECORD. */
export function chargeWithWordsRow(cdr: Cdr, charge: PricedCharge, pricedWith: PricedWith) {
  const { zone, billedSeconds } = chargeQuantitiesOf(charge, cdr.durationSeconds);
  return {
    customer_account: cdr.customerAccount,
    call_start: cdr.startTime.toISOString(),
    amount: charge.amount,
    currency: charge.currency,
    rule_set_hash: charge.ruleSetHash,
    fired_rules: charge.firedRules,
    explanation: charge.explanation,
    zone,
    billed_seconds: billedSeconds,
    parts: charge.parts,
    pricing_facts: pricedWith,
  };
}

/** A charge's zone and billed seconds: from rating's plan when it has one, else from its explanation. */
export function chargeQuantitiesOf(charge: PricedCharge, durationSeconds: number): ChargeQuantities {
  return charge.quantities?.(durationSeconds) ?? chargeQuantities(charge.explanation, durationSeconds);
}
