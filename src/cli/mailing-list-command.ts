import type { Command } from 'commander';
import { csvLine, monthOption, parseMonth } from './csv';
import type { Database } from '../persistence/database';
import { mailingList } from '../persistence/mailing-list';
import { openBilling } from './open-billing';

const HEADER = ['external_id', 'name', 'email', 'address', 'postal_code', 'city', 'country_code'];

/** The mailing list of a month as RFC 4180 CSV (address lines joined by a line feed inside one field). */
export async function mailingListCsv(
  database: Database,
  period: string,
  write: (chunk: string) => void,
): Promise<number> {
  const { year, month } = parseMonth(period);
  const pad = (n: number) => String(n).padStart(2, '0');
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01`;
  const entries = await mailingList(database, `${year}-${pad(month)}-01`, next);
  write(csvLine(HEADER));
  for (const e of entries)
    write(
      csvLine([
        e.externalId,
        e.name,
        e.email,
        e.addressLines.join('\n'),
        e.postalCode,
        e.city,
        e.countryCode,
      ]),
    );
  return entries.length;
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
