/** `billing rules check [DIR]` and `billing rules test [DIR]`. Exit code 1 on any error. */
import type { Command } from 'commander';
import { loadRuleBook } from '../rules-files/load';
import { loadCases, runCase } from '../rules-files/cases';
import type { RuleViolation } from '../domain/rating/types';

const defaultDir = () => process.env.BILLING_RULES_DIR ?? './rules';
const line = (v: RuleViolation) => `${v.file}: ${v.jsonPath}: ${v.reason}`;

export async function rulesCheck(
  dir: string,
  out: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
): Promise<number> {
  const r = await loadRuleBook(dir);
  const cases = await loadCases(dir);
  const violations = [...(r.ok ? [] : r.violations), ...cases.violations];
  for (const v of violations) err(line(v));
  if (violations.length) {
    err(`${violations.length} error(s) in ${dir}; nothing goes live until they are fixed`);
    return 1;
  }
  if (r.ok) {
    for (const s of r.book.sets)
      out(
        `ok  ${s.name} version ${s.version}, ${s.currency} from ${s.effectiveFrom.toISOString()}, ${s.rules.length} rules, ${s.rateCards.size} rate cards, sha256 ${s.hash}`,
      );
  }
  out(`${cases.cases.length} example case file(s) well-formed`);
  return 0;
}

export async function rulesTest(
  dir: string,
  out: (s: string) => void = console.log,
  err: (s: string) => void = console.error,
): Promise<number> {
  const r = await loadRuleBook(dir);
  if (!r.ok) {
    for (const v of r.violations) err(line(v));
    err('rules are invalid; run `billing rules check` for details');
    return 1;
  }
  const { cases, violations } = await loadCases(dir);
  for (const v of violations) err(line(v));
  let failed = violations.length;
  for (const { file, case: c } of cases) {
    const res = runCase(r.book, file, c);
    if (res.ok)
      out(
        `pass  ${file}: ${c.description}${res.outcome.rated ? ` = ${res.outcome.amount} ${res.outcome.currency}` : ''}`,
      );
    else {
      failed++;
      err(`FAIL  ${file}: ${c.description}`);
      for (const d of res.differences) err(`      ${d}`);
      if (res.outcome.rated)
        for (const s of res.outcome.explanation.steps)
          err(`        - ${s.text}${s.amount !== undefined ? ` = ${s.amount}` : ''}`);
    }
  }
  out(`${cases.length - (failed - violations.length)} passed, ${failed} failed`);
  if (cases.length === 0) {
    err(`no example cases found under ${dir}/cases or ${dir}/<set>/cases`);
    return 1;
  }
  return failed ? 1 : 0;
}

export function registerRulesCommands(program: Command): Command {
  const rules = program.command('rules').description('check, test and backtest the pricing rule files');
  rules
    .command('check [dir]')
    .description(
      'validate every rule file (schema, facts, operators, parameters, overlaps, zones without a rate)',
    )
    .action(async (dir?: string) => {
      process.exitCode = (await rulesCheck(dir ?? defaultDir())) || process.exitCode;
    });
  rules
    .command('test [dir]')
    .description("run finance's example cases (cases/*.json) and show differences")
    .action(async (dir?: string) => {
      process.exitCode = (await rulesTest(dir ?? defaultDir())) || process.exitCode;
    });
  return rules;
}
