/**
 * Semantic checks of a rule set (the JSON Schema in src/rules-files checks the shapes first).
 * Every problem names the file, the JSON path and the reason. Nothing here throws.
 */
import type { FactName } from './facts';
import { checkCondition, checkEvent } from './check-rule';
import { checkPeriodPricing } from './check-period-pricing';
import {
  checkCalendar,
  checkDestinations,
  checkEnvelope,
  checkRateCards,
  decimalCheck,
} from './check-tables';
import { analyseRules } from './rule-analysis';
import type { RuleSetSource, RuleViolation } from './types';

export function validateRuleSet(src: RuleSetSource): RuleViolation[] {
  const v: RuleViolation[] = [];
  const F = src.files;
  const err = (file: string, jsonPath: string, reason: string) => void v.push({ file, jsonPath, reason });
  const r = src.ruleset;
  // period pricing is independent of the rules: its problems are reported together with theirs, and do
  // not stop the rules' overlap analysis below
  const periodPricing = checkPeriodPricing(F.ruleset, (r as { periodPricing?: unknown }).periodPricing);

  checkEnvelope(src, err);
  const { zones, firstPrefixOfZone } = checkDestinations(src, err);
  const bandsInUse = checkCalendar(src, err);
  const dec = decimalCheck(err);
  checkRateCards(src, err, dec, bandsInUse);
  const cards = src.rates.rateCards ?? {};

  // ---- rules
  const rules = Array.isArray(r.rules) ? r.rules : [];
  const names = new Map<string, number>();
  const mentioned = new Map<FactName, unknown[]>();
  const ruleOk: boolean[] = [];
  rules.forEach((rule, i) => {
    const p = `$.rules[${i}]`;
    const before = v.length;
    if (typeof rule.name !== 'string' || rule.name === '')
      err(F.ruleset, `${p}.name`, 'every rule needs a name (charges record it)');
    else if (names.has(rule.name))
      err(
        F.ruleset,
        `${p}.name`,
        `duplicate rule name ${JSON.stringify(rule.name)} (also $.rules[${names.get(rule.name)}])`,
      );
    else names.set(rule.name, i);
    if (rule.priority !== undefined && (!Number.isInteger(rule.priority) || rule.priority < 1))
      err(F.ruleset, `${p}.priority`, 'priority is a whole number >= 1 (higher wins)');
    checkCondition(rule.conditions, `${p}.conditions`, true, { file: F.ruleset, err, zones, mentioned });
    checkEvent(rule, p, { file: F.ruleset, err, cards, dec });
    ruleOk.push(v.length === before);
  });
  if (v.length > 0) return [...v, ...periodPricing]; // the analysis below needs a well-formed set

  analyseRules(src, rules, err, { zones, firstPrefixOfZone, mentioned });
  return [...v, ...periodPricing];
}
