/**
 * `billing rules backtest --from --to [--customer] [--rules DIR]`: what a candidate rule set would
 * have charged for stored calls, against what they were charged. Changes nothing.
 */
import type { Command } from 'commander';
import { backtest } from '../app/rating/backtest';
import { PostgresBacktestSource } from '../persistence/backtest-source';
import { loadRuleBook } from '../rules-files/load';
import { openBilling } from './open-billing';

function date(text: string, option: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new Error(`${option}: not a date or time: ${text}`);
  return d;
}

export function registerBacktestCommand(rules: Command): void {
  rules
    .command('backtest')
    .description(
      'price stored CDRs of a past period with a candidate rule set and compare with their charges',
    )
    .requiredOption('--from <time>', 'first call start, inclusive (ISO 8601, e.g. 2026-10-01T00:00:00+02:00)')
    .requiredOption('--to <time>', 'last call start, exclusive')
    .option('--customer <account>', 'only this customer account')
    .option('--rules <dir>', 'the candidate rule directory (default: BILLING_RULES_DIR)')
    .action(async (opts: { from: string; to: string; customer?: string; rules?: string }) => {
      const core = await openBilling();
      try {
        const candidateDir = opts.rules ?? core.config.rulesDir;
        const loaded = await loadRuleBook(candidateDir);
        if (!loaded.ok) {
          for (const v of loaded.violations) console.error(`${v.file}: ${v.jsonPath}: ${v.reason}`);
          process.exitCode = 1;
          return;
        }
        const report = await backtest(
          {
            source: new PostgresBacktestSource(core.database),
            candidate: loaded.book,
            customers: core.ingest.customers,
            bookings: core.bookingDirectory,
          },
          { from: date(opts.from, '--from'), to: date(opts.to, '--to'), customerAccount: opts.customer },
        );
        console.log(
          ['customer', 'currency', 'calls', 'charged', 'candidate', 'difference', 'unpriceable'].join('\t'),
        );
        for (const l of [...report.lines, ...report.totals]) {
          console.log(
            [
              l.customerAccount,
              l.currency,
              l.calls,
              l.charged,
              l.candidate,
              l.difference,
              l.unpriceable,
            ].join('\t'),
          );
        }
        for (const u of report.firstUnpriceable)
          console.log(`unpriceable: ${u.cdr.bridgeId}/${u.cdr.recordId}: ${u.reason}`);
      } finally {
        await core.close();
      }
    });
}
