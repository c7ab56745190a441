/**
 * `billing retention list` and `billing retention archive --before YYYY-MM [--drop]`: old months of
 * CDRs and charges leave the hot tables as whole partitions once nothing in them can change money
 * and every period they were invoiced for ends by the cutoff (src/persistence/month-retention.ts).
 * Straight on the database, as `billing invoices`: on the embedded database only while the service
 * is stopped.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { MonthRetention, type MonthOfHistory, type RetentionOutcome } from '../persistence/month-retention';
import { openBilling } from './open-billing';

/** `--before` is checked before the command opens the database. */
function beforeOption(text: string): string {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) throw new InvalidArgumentError('must be a month as YYYY-MM');
  return text;
}

async function withRetention(run: (retention: MonthRetention) => Promise<void>): Promise<void> {
  const core = await openBilling({ loadRules: false });
  try {
    await run(new MonthRetention(core.database));
  } finally {
    await core.close();
  }
}

/** One month a line, tab-separated under a header; `periods_end` is empty when no invoice holds a charge of it. */
export function historyLines(months: MonthOfHistory[]): string[] {
  return [
    ['month', 'cdrs', 'charges', 'unrated', 'uninvoiced', 'periods_end'].join('\t'),
    ...months.map((m) =>
      [m.month, m.cdrs, m.charges, m.unrated, m.uninvoiced, m.periodsEnd?.toISOString() ?? ''].join('\t'),
    ),
  ];
}

export function outcomeLines(outcomes: RetentionOutcome[]): string[] {
  return outcomes.map((o) =>
    o.outcome === 'kept' ? `${o.month}\tkept: ${o.reason}` : `${o.month}\t${o.outcome}`,
  );
}

export function registerRetentionCommands(program: Command): void {
  const retention = program
    .command('retention')
    .description('months of CDRs and charges: list them, archive or drop the fully invoiced old ones');
  retention
    .command('list')
    .description(
      'every month kept in the database, with what still keeps it (unrated CDRs, uninvoiced charges, the latest end of a period invoiced from it)',
    )
    .action(async () => {
      await withRetention(async (r) => {
        for (const line of historyLines(await r.months())) console.log(line);
      });
    });
  retention
    .command('archive')
    .description(
      'move every month before --before that is fully invoiced, for periods that all end by the start of --before (UTC), to the schema billing_archive (pg_dump it, then drop it); invoices are not touched',
    )
    .requiredOption('--before <YYYY-MM>', 'the first month to keep', beforeOption)
    .option('--drop', 'drop the months instead of moving them to billing_archive', false)
    .action(async (options: { before: string; drop: boolean }) => {
      await withRetention(async (r) => {
        const outcomes = await r.retire(options.before, { drop: options.drop });
        if (!outcomes.length) console.log(`no month before ${options.before}`);
        for (const line of outcomeLines(outcomes)) console.log(line);
      });
    });
}
