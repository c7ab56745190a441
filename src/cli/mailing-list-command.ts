import type { Command } from 'commander';
import { getMailingList, mailingListCsv as renderCsv } from '../app/invoicing/mailing-list';
import { monthOption, parseMonth } from './csv';
import type { Database } from '../persistence/database';
import { mailingList } from '../persistence/mailing-list';
import { openBilling } from './open-billing';

/**
 * The mailing list of a month as RFC 4180 CSV (address lines joined by a line feed inside one field):
 * the same use case, and so the same bytes, as InvoiceService.GetMailingList.
 */
export async function mailingListCsv(
  database: Database,
  period: string,
  write: (chunk: string) => void,
): Promise<number> {
  parseMonth(period);
  const list = await getMailingList({ customers: (from, to) => mailingList(database, from, to) }, { period });
  write(renderCsv(list.entries));
  return list.entries.length;
}

/** `billing mailing-list --period YYYY-MM`: the customers with charges in the month, as CSV on stdout. */
export function registerMailingListCommand(program: Command): void {
  program
    .command('mailing-list')
    .description(
      'CSV of the customers with charges in a month (name, address, e-mail), for a letter or e-mail run',
    )
    .requiredOption(
      '--period <YYYY-MM>',
      "the month; calls are counted in each customer's time zone",
      monthOption,
    )
    .action(async (options: { period: string }) => {
      const core = await openBilling({ loadRules: false, migrate: false });
      try {
        const count = await mailingListCsv(core.database, options.period, (chunk) =>
          process.stdout.write(chunk),
        );
        console.error(`${count} customer(s) with charges in ${options.period}`);
      } finally {
        await core.close();
      }
    });
}
