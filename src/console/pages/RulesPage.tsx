/**
 * Rules: the live rule set, a refused reload, the history, a quote with its explanation, a stored
 * charge's explanation, a backtest.
 */
import { useSession } from '../session/session-context';
import { can } from '../session/can';
import { ActiveRuleSet } from './ActiveRuleSet';
import { BacktestForm } from './BacktestForm';
import { ExplainChargeForm } from './ExplainChargeForm';
import { QuoteForm } from './QuoteForm';
import { RuleSetHistory } from './RuleSetHistory';

export function RulesPage() {
  const { role } = useSession();
  return (
    <section aria-labelledby="rules-title">
      <h1 id="rules-title">Rules</h1>
      <QuoteForm />
      {can(role, 'RatingService', 'ExplainCharge') && <ExplainChargeForm />}
      {can(role, 'RatingService', 'GetActiveRuleSet') && <ActiveRuleSet />}
      {can(role, 'RatingService', 'ListRuleSets') && <RuleSetHistory />}
      {can(role, 'RatingService', 'BacktestRuleSet') && <BacktestForm />}
    </section>
  );
}
